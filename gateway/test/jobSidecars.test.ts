import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { api } from './harness/api.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { SseClient } from './harness/SseClient.ts';

// A real gateway process (`serve`, whose default sidecar store is the embedded S3): a
// whiteboard-thumbnail job's PNG is kept as a sidecar, and the job's result carries a ref to it.

const env = gatewayPerFile({
  admin: { tenant: 'acme' },
  editor: { tenant: 'acme', sub: 'eve', roles: ['editor'], kind: 'agent' },
});

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function projectQuery(scope: Record<string, string>): string {
  const { canvas_id: _c, ...rest } = scope;
  return new URLSearchParams(rest).toString();
}

describe('[CONTRACT 8] a job’s image outputs become sidecars (real gateway process)', () => {
  it('[CONTRACT 8] GET /v1/jobs/{id} and job_completed carry png_sidecar; the sidecar resolves to the PNG', async () => {
    const scope = env.world.scope('thumbs', 'wb');
    await env.world.commit(env.tokens.admin, 'canvas.create', scope, { canvas_type: 'whiteboard', title: 'Board' });
    await env.world.commit(env.tokens.admin, 'state.ops', scope, {
      ops: [{ op: 'insert', root: 'shapes', key: 'r1', value: { kind: 'rect', x: 0, y: 0, w: 40, h: 30 } }],
    });
    const stream = new SseClient(env.world.streamUrl(scope), { token: env.tokens.admin });
    try {
      expect((await stream.open()).status).toBe(200);
      const posted = await api(env.gateway.url, 'POST', '/v1/jobs', {
        token: env.tokens.editor,
        body: {
          scope,
          device_requested: 'cpu',
          pipeline: ['whiteboard-thumbnail'],
          input: { canvas_frames: 1, params: { 'whiteboard-thumbnail': { width: 64, height: 48 } } },
        },
      });
      expect(posted.status).toBe(202);
      const jobId: string = posted.json.job_id;
      const completed = await stream.waitFor(
        (f) => f.event === 'job_completed' && f.json?.payload?.job_id === jobId,
        20_000,
        `job_completed of ${jobId}`,
      );
      const got = await api(env.gateway.url, 'GET', `/v1/jobs/${jobId}?${projectQuery(scope)}`, {
        token: env.tokens.editor,
      });
      expect(got.status).toBe(200);
      expect(got.json.status).toBe('succeeded');
      const frame = got.json.result[0];
      expect(frame).not.toHaveProperty('png_base64');
      expect(frame.png_sidecar).toMatchObject({ mime: 'image/png' });
      expect(completed.json.payload.result).toEqual(got.json.result);
      const ref = frame.png_sidecar as { artifact_id: string; size: number; sha256: string };

      const snapshot = stream.frames.find((f) => f.event === 'snapshot_created');
      expect(snapshot?.json).toMatchObject({
        durable: true,
        scope: { canvas_id: 'wb', job_id: jobId },
        actor: { id: 'eve' },
        payload: { artifact_id: ref.artifact_id, mime: 'image/png', size: ref.size, sha256: ref.sha256 },
      });
      for (const f of stream.frames) expect(f.data).not.toMatch(/iVBORw0KGgo|_base64/);
      expect(got.text).not.toMatch(/iVBORw0KGgo|_base64/);

      const resolved = await api(env.gateway.url, 'GET', `/v1/sidecars/${ref.artifact_id}?${projectQuery(scope)}`, {
        token: env.tokens.admin,
      });
      expect(resolved.status).toBe(200);
      const bytes = new Uint8Array(await (await fetch(resolved.json.url)).arrayBuffer());
      expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      expect(bytes.length).toBe(ref.size);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(ref.sha256);
    } finally {
      stream.close();
    }
  });
});
