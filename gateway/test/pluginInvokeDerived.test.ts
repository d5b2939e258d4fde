import { describe, expect, it } from 'vitest';
import { api } from './harness/api.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { type SseFrame, SseClient } from './harness/SseClient.ts';

// A direct plugin call's telemetry (`POST /v1/plugins/{name}/tools/{tool}:invoke`: progress,
// warnings, partial results) is data a plugin computed from its input. It is stamped with the
// canvas roots and tokens the input's frames name, and follows their lens (contract §6 applied
// to §9): a viewer who reads them sees the contents, one who does not gets only structure.

const env = gatewayPerFile(
  {
    admin: { tenant: 'acme', sub: 'ann' },
    reader: { tenant: 'acme', sub: 'rita', roles: ['reader'] },
    outsider: { tenant: 'acme', sub: 'olga', roles: ['outsider'] },
  },
  { args: ['--plugins', 'gateway/test/fixtures/plugins'] },
);

const PROJECT = 'invoke-derived';
const POLICY = {
  roles: {
    admin: {
      tokens: { read: ['*'], write: ['*'] },
      state: { read: ['*'], write: ['*'] },
      sidecars: { see: true, resolve: true },
      commands: ['*'],
    },
    // Reads `notes` (what the call's frame names) but not every root: unstamped data is hidden from it.
    reader: {
      tokens: { read: ['*'], write: [] },
      state: { read: ['notes'], write: [] },
      sidecars: { see: false, resolve: false },
      commands: [],
    },
    outsider: {
      tokens: { read: ['*'], write: [] },
      state: { read: ['layout'], write: [] },
      sidecars: { see: true, resolve: false },
      commands: [],
    },
  },
  default_role: 'outsider',
};

const FRAME_INPUT = { frame: { kind: 'canvas', state: { notes: { n1: { text: 'secret plan' } } }, tokens: {} } };

function invoke(input: unknown) {
  return api(env.gateway.url, 'POST', '/v1/plugins/slow-progress/tools/work:invoke', {
    token: env.tokens.admin,
    body: { scope: env.world.scope(PROJECT), input },
    timeoutMs: 30_000,
  });
}

const partials = (s: SseClient) => s.frames.filter((f: SseFrame) => f.event === 'partial_result').map((f) => f.json);
const lastProgress = (f: SseFrame) => f.event === 'progress' && f.json?.payload?.percent === 100;

describe('[CONTRACT 6] a direct plugin call’s telemetry follows the lens of its input', () => {
  it('a viewer who reads the frame’s roots sees progress and partial results; one who does not gets them redacted', async () => {
    const put = await api(env.gateway.url, 'PUT', `/v1/projects/${PROJECT}/lens`, {
      token: env.tokens.admin,
      body: POLICY,
    });
    expect(put.status).toBe(200);
    const scope = env.world.scope(PROJECT);
    const reader = new SseClient(env.world.realtimeUrl(scope), { token: env.tokens.reader });
    const outsider = new SseClient(env.world.realtimeUrl(scope), { token: env.tokens.outsider });
    try {
      expect((await reader.open()).status).toBe(200);
      expect((await outsider.open()).status).toBe(200);
      const res = await invoke(FRAME_INPUT);
      expect(res.json).toMatchObject({ ok: true, value: { steps: 10 } });
      await reader.waitFor(lastProgress, 5000, 'reader: progress 100');
      await outsider.waitFor(lastProgress, 5000, 'outsider: progress 100');
      await reader.waitFor(
        (f) => f.event === 'partial_result' && f.json?.payload?.payload?.step === 10,
        5000,
        'reader: the last partial result',
      );

      const seenByReader = partials(reader);
      expect(seenByReader.length).toBeGreaterThan(0);
      for (const e of seenByReader) {
        expect(e.payload.redacted).toBeUndefined();
        expect(typeof e.payload.payload.step).toBe('number');
      }
      const warnings = reader.frames.filter((f) => f.event === 'warning').map((f) => f.json.payload.message);
      expect(warnings).toContain('halfway: frame 5 is blurry');

      const seenByOutsider = partials(outsider);
      expect(seenByOutsider.length).toBeGreaterThan(0);
      for (const e of seenByOutsider) {
        expect(e.payload).toMatchObject({ plugin: 'slow-progress', tool: 'work', payload: {}, redacted: true });
      }
      const outsiderText = outsider.frames.map((f) => f.data).join('\n');
      expect(outsiderText).not.toContain('blurry');
      expect(outsiderText).not.toContain('"step"');
      for (const s of [reader, outsider]) expect(s.frames.map((f) => f.data).join('\n')).not.toContain('derived_from');
    } finally {
      reader.close();
      outsider.close();
    }
  });

  it('a call whose input is not plain frames has unknown provenance: only a viewer who reads everything sees it', async () => {
    const scope = env.world.scope(PROJECT);
    const reader = new SseClient(env.world.realtimeUrl(scope), { token: env.tokens.reader });
    const admin = new SseClient(env.world.realtimeUrl(scope), { token: env.tokens.admin });
    try {
      expect((await reader.open()).status).toBe(200);
      expect((await admin.open()).status).toBe(200);
      const res = await invoke({ anything: 'goes' });
      expect(res.json).toMatchObject({ ok: true });
      await reader.waitFor(lastProgress, 5000, 'reader: progress 100');
      await admin.waitFor(
        (f) => f.event === 'partial_result' && f.json?.payload?.payload?.step === 10,
        5000,
        'admin: the last partial result',
      );
      expect(
        partials(reader).every((e) => e.payload.redacted === true && Object.keys(e.payload.payload).length === 0),
      ).toBe(true);
    } finally {
      reader.close();
      admin.close();
    }
  });
});
