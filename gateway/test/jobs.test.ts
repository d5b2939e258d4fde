import { extendedJobResponseSchema, realtimeMessageSchema } from '@easel/schemas';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { detectGpu } from '../src/plugins/index.ts';
import { JOB_EVENT_PAYLOADS } from '../src/jobs/testing/jobEventPayloads.ts';
import { type ApiResponse, api, TestWorld } from './harness/api.ts';
import { expectErrorBody } from './harness/expectErrorBody.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { type SseFrame, SseClient } from './harness/SseClient.ts';

// Jobs against a real gateway process (built-ins plus the fixtures), with their events read on
// real SSE streams: the canvas stream and /v1/realtime.

const env = gatewayPerFile(
  {
    admin: { tenant: 'acme' },
    editor: { tenant: 'acme', sub: 'eve', roles: ['editor'], kind: 'agent' },
    viewer: { tenant: 'acme', sub: 'vic', roles: ['viewer'] },
    intruder: { tenant: 'evil', sub: 'mallory' },
  },
  { args: ['--plugins', 'gateway/test/fixtures/plugins'] },
);

/** A grey PNG (`value` in every channel), base64. */
function greyPng(value: number, size = 32): string {
  const png = new PNG({ width: size, height: size });
  png.data.fill(value);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  return PNG.sync.write(png).toString('base64');
}

function imageFrame(value: number) {
  return { kind: 'image', mime: 'image/png', data_base64: greyPng(value) };
}

/** A whiteboard canvas with two shapes in project `project`. */
async function whiteboard(world: TestWorld, project: string, canvasId: string) {
  const scope = world.scope(project, canvasId);
  await world.commit(env.tokens.admin, 'canvas.create', scope, { canvas_type: 'whiteboard', title: 'Board' });
  const last = await world.commit(env.tokens.admin, 'state.ops', scope, {
    ops: [
      { op: 'insert', root: 'shapes', key: 'r1', value: { kind: 'rect', x: 0, y: 0, w: 40, h: 30, fill: '#ff0000' } },
      { op: 'insert', root: 'shapes', key: 't1', value: { kind: 'text', x: 5, y: 40, w: 60, h: 10, text: 'hi' } },
    ],
  });
  return { scope, cursor: last.cursor };
}

function postJob(body: unknown, token = env.tokens.editor): Promise<ApiResponse> {
  return api(env.gateway.url, 'POST', '/v1/jobs', { token, body });
}

function jobPath(scope: Record<string, string>, jobId: string): string {
  const { canvas_id: _c, ...rest } = scope;
  return `/v1/jobs/${jobId}?${new URLSearchParams(rest)}`;
}

async function accepted(body: Record<string, unknown>, token = env.tokens.editor) {
  const res = await postJob({ device_requested: 'cpu', ...body }, token);
  if (res.status !== 202) throw new Error(`job not accepted: ${res.status} ${res.text}`);
  expect(extendedJobResponseSchema.safeParse(res.json).success).toBe(true);
  return res;
}

function jobFrames(stream: SseClient, jobId: string): SseFrame[] {
  return stream.frames.filter((f) => f.json?.scope?.job_id === jobId);
}

function completedOf(stream: SseClient, jobId: string, timeoutMs = 20_000): Promise<SseFrame> {
  return stream.waitFor(
    (f) => f.event === 'job_completed' && f.json?.payload?.job_id === jobId,
    timeoutMs,
    `job_completed of ${jobId}`,
  );
}

function expectJobEvents(frames: SseFrame[]): void {
  for (const f of frames) {
    const schema = JOB_EVENT_PAYLOADS[f.event];
    expect(schema, `unexpected event ${f.event}`).toBeDefined();
    expect(schema!.safeParse(f.json.payload).success, `${f.event} ${f.data.slice(0, 300)}`).toBe(true);
    const durable = f.event === 'job_completed' || f.event === 'error';
    expect({ event: f.event, durable: f.json.durable, hasId: f.id !== null }).toEqual({
      event: f.event,
      durable,
      hasId: durable,
    });
    expect(f.data).not.toMatch(/data:image|iVBORw0KGgo/);
  }
}

describe('[CONTRACT 9] jobs end to end', () => {
  it('[CONTRACT 9] built-in pipelines over a real canvas and PNG frames: telemetry and durable job_completed on the canvas stream and /v1/realtime; GET agrees; replay after reconnect', async () => {
    const { scope, cursor } = await whiteboard(env.world, 'e2e', 'wb');
    const canvas = new SseClient(env.world.streamUrl(scope), { token: env.tokens.admin });
    const realtime = new SseClient(env.world.realtimeUrl(scope), { token: env.tokens.admin });
    try {
      expect((await canvas.open()).status).toBe(200);
      expect((await realtime.open()).status).toBe(200);
      const a = await accepted({
        scope,
        pipeline: ['canvas-stats', 'whiteboard-thumbnail', 'frame-analysis.analyze'],
        fps: 10,
        input: { canvas_frames: 2, params: { 'whiteboard-thumbnail': { width: 80, height: 60 } } },
      });
      expect(a.headers.get('location')).toBe(jobPath(scope, a.json.job_id));
      expect(a.json).toMatchObject({
        status: 'running',
        frames: 0,
        frames_total: 2,
        device_used: 'cpu',
        fallback: false,
      });
      const b = await accepted({
        scope,
        pipeline: ['frame-analysis'],
        input: { frames: [imageFrame(40), imageFrame(40), imageFrame(200)] },
      });
      const jobs = [
        { id: a.json.job_id as string, frames: 2 },
        { id: b.json.job_id as string, frames: 3 },
      ];
      for (const stream of [canvas, realtime]) {
        for (const job of jobs) {
          const done = await completedOf(stream, job.id);
          expect(done.json.payload).toMatchObject({ status: 'succeeded', frames: job.frames, progress: 100 });
          const frames = jobFrames(stream, job.id);
          expectJobEvents(frames);
          const types = frames.map((f) => f.event);
          expect(types.at(-1)).toBe('job_completed');
          expect(types).toContain('progress');
          expect(types).toContain('plugin_status');
          expect(frames.filter((f) => f.event === 'frame').map((f) => f.json.payload.index)).toEqual(
            Array.from({ length: job.frames }, (_, i) => i),
          );
          // Progress is coalesced (≈ 15 Hz): never more than one per 50 ms, bar the closing one.
          const times = frames.filter((f) => f.event === 'progress').map((f) => Date.parse(f.json.timestamp));
          const spanMs = Math.max(1, times.at(-1)! - times[0]!);
          expect(times.length).toBeLessThanOrEqual(Math.ceil(spanMs / 50) + 2);
        }
      }
      for (const f of realtime.frames) expect(realtimeMessageSchema.safeParse(f.json).success).toBe(true);
      // The canvas stream and /v1/realtime carry the same durable event.
      for (const job of jobs) {
        expect((await completedOf(canvas, job.id)).id).toBe((await completedOf(realtime, job.id)).id);
      }
      // GET agrees with job_completed.
      for (const job of jobs) {
        const got = await api(env.gateway.url, 'GET', jobPath(scope, job.id), { token: env.tokens.viewer });
        expect(got.status).toBe(200);
        expect(got.json).toEqual((await completedOf(realtime, job.id)).json.payload);
      }
      const resultA = (await completedOf(realtime, jobs[0]!.id)).json.payload.result;
      expect(resultA.map((r: { width: number; source: string }) => [r.width, r.source])).toEqual([
        [80, 'previous'],
        [80, 'previous'],
      ]);
      const resultB = (await completedOf(realtime, jobs[1]!.id)).json.payload.result;
      expect(resultB.map((r: { mean_luminance: number }) => r.mean_luminance)).toEqual([40, 40, 200]);
      expect(resultB.map((r: { motion: { mean_abs_diff: number } | null }) => r.motion?.mean_abs_diff ?? null)).toEqual(
        [null, 0, 160],
      );
      // Reconnect with Last-Event-ID: the durable job_completed events are replayed, once each.
      const again = new SseClient(env.world.streamUrl(scope), { token: env.tokens.admin, lastEventId: cursor });
      try {
        for (const job of jobs) {
          const replayed = await completedOf(again, job.id, 5000);
          expect(replayed.id).toBe((await completedOf(canvas, job.id)).id);
        }
        const ids = again.durable().map((f) => f.id);
        expect(new Set(ids).size).toBe(ids.length);
      } finally {
        again.close();
      }
    } finally {
      canvas.close();
      realtime.close();
    }
  });

  it('[CONTRACT 9] device_requested gpu without a GPU runs on cpu: fallback true, a warning in the job and on the stream', async () => {
    const { scope } = await whiteboard(env.world, 'device', 'wb');
    const realtime = new SseClient(env.world.realtimeUrl(scope), { token: env.tokens.admin });
    try {
      await realtime.open();
      const res = await accepted({ scope, pipeline: ['canvas-stats'], device_requested: 'gpu', input: {} });
      const expected = detectGpu().present ? /"canvas-stats" runs on the cpu only/ : /this gateway node has no GPU/;
      expect(res.json).toMatchObject({ device_requested: 'gpu', device_used: 'cpu', fallback: true });
      expect(res.json.warnings[0]).toMatch(expected);
      const warning = await realtime.waitFor(
        (f) => f.event === 'warning' && f.json.payload.job_id === res.json.job_id,
        5000,
        'the fallback warning',
      );
      expect(warning.json.payload.message).toMatch(expected);
      const done = await completedOf(realtime, res.json.job_id);
      expect(done.json.payload).toMatchObject({ status: 'succeeded', device_used: 'cpu', fallback: true });
    } finally {
      realtime.close();
    }
  });

  it('[CONTRACT 9] a failing stage fails the job with its kind: a durable error, then job_completed (failed)', async () => {
    const { scope } = await whiteboard(env.world, 'failing', 'wb');
    const realtime = new SseClient(env.world.realtimeUrl(scope), { token: env.tokens.admin });
    try {
      await realtime.open();
      const threw = await accepted({ scope, pipeline: ['canvas-stats', 'tool-throws.boom'], input: {} });
      const crashed = await accepted({ scope, pipeline: ['exit.exit'], input: {} });
      for (const [res, kind, message] of [
        [threw, 'threw', /^tool-throws\.boom failed on frame 0: TypeError/],
        [crashed, 'crashed', /^exit\.exit failed on frame 0: the plugin process exited with code 3/],
      ] as const) {
        const done = await completedOf(realtime, res.json.job_id);
        expect(done.json.payload).toMatchObject({ status: 'failed', error: { kind } });
        expect(done.json.payload.error.message).toMatch(message);
        const durable = jobFrames(realtime, res.json.job_id).filter((f) => f.id !== null);
        expect(durable.map((f) => f.event)).toEqual(['error', 'job_completed']);
        expect(durable[0]!.json.payload).toMatchObject({ job_id: res.json.job_id, kind });
        expectJobEvents(jobFrames(realtime, res.json.job_id));
        const got = await api(env.gateway.url, 'GET', jobPath(scope, res.json.job_id), { token: env.tokens.editor });
        expect(got.json).toEqual(done.json.payload);
      }
    } finally {
      realtime.close();
    }
  });

  it('[CONTRACT 9] at most two jobs run per node: a third waits queued, then runs', async () => {
    const { scope } = await whiteboard(env.world, 'queue', 'wb');
    const body = { scope, pipeline: ['canvas-stats'], fps: 5, input: { canvas_frames: 3 } };
    const responses = [await accepted(body), await accepted(body), await accepted(body)];
    expect(responses.map((r) => r.json.status)).toEqual(['running', 'running', 'queued']);
    const until = Date.now() + 20_000;
    let finals: Array<{ status: string; started_at?: string; finished_at?: string }> = [];
    while (Date.now() < until) {
      finals = await Promise.all(
        responses.map(
          async (r) =>
            (await api(env.gateway.url, 'GET', jobPath(scope, r.json.job_id), { token: env.tokens.editor })).json,
        ),
      );
      if (finals.every((f) => f.status === 'succeeded')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(finals.map((f) => f.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const firstDone = Math.min(...finals.slice(0, 2).map((f) => Date.parse(String(f.finished_at))));
    expect(Date.parse(String(finals[2]!.started_at))).toBeGreaterThanOrEqual(firstDone);
  });

  it('[CONTRACT 3] job refusals: 401, 400 naming the field, 403 tenant_mismatch / forbidden, 404, 503', async () => {
    const { scope } = await whiteboard(env.world, 'refusals', 'wb');
    const ok = { scope, pipeline: ['canvas-stats'], device_requested: 'cpu', input: {} };
    expectErrorBody(await api(env.gateway.url, 'POST', '/v1/jobs', { body: ok }), 401, 'unauthenticated');
    const cases: Array<[unknown, number, string, RegExp]> = [
      [{ ...ok, pipeline: [] }, 400, 'validation_failed', /^pipeline: /],
      [{ ...ok, device_requested: 'tpu' }, 400, 'validation_failed', /^device_requested: must be cpu or gpu/],
      [{ ...ok, fps: 1000 }, 400, 'validation_failed', /^fps: /],
      [{ ...ok, pipeline: ['nope'] }, 400, 'validation_failed', /^pipeline\[0\]: no plugin named "nope"/],
      [
        { ...ok, pipeline: ['echo.nope'] },
        400,
        'validation_failed',
        /^pipeline\[0\]: plugin "echo" has no tool "nope"/,
      ],
      [{ ...ok, input: { frames: [{ kind: 'video' }] } }, 400, 'validation_failed', /^input\.frames\[0\]/],
      [{ ...ok, scope: { ...scope, canvas_id: undefined }, input: {} }, 400, 'validation_failed', /^input: no frames/],
      [{ ...ok, scope: { ...scope, app_id: '' } }, 400, 'validation_failed', /^scope\.app_id: /],
      [{ ...ok, scope: { ...scope, tenant_id: 'evil' } }, 403, 'tenant_mismatch', /not the token's tenant/],
      [{ ...ok, scope: { ...scope, canvas_id: 'missing' } }, 404, 'not_found', /canvas 'missing' does not exist/],
      [
        { ...ok, pipeline: ['gpu-only'] },
        503,
        'unavailable',
        /^pipeline\[0\]: plugin "gpu-only" is UNAVAILABLE: device: /,
      ],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await postJob(body);
      expectErrorBody(res, status, code);
      expect(res.json.error.message).toMatch(message);
    }
    const huge = `{"x":"${'a'.repeat(16 * 1024 * 1024 + 1)}"}`;
    const tooBig = await api(env.gateway.url, 'POST', '/v1/jobs', {
      token: env.tokens.editor,
      rawBody: huge,
      headers: { 'content-type': 'application/json' },
    });
    expectErrorBody(tooBig, 413, 'payload_too_large');
    expect(tooBig.json.error.message).toMatch(/16 MiB/);
    const viewer = await postJob(ok, env.tokens.viewer);
    expectErrorBody(viewer, 403, 'forbidden');
    const job = await accepted(ok);
    const get = (path: string, token = env.tokens.editor) => api(env.gateway.url, 'GET', path, { token });
    expect((await get(jobPath(scope, job.json.job_id))).status).toBe(200);
    expectErrorBody(await get(jobPath({ ...scope, project_id: 'other' }, job.json.job_id)), 404, 'not_found');
    expectErrorBody(await get(jobPath(scope, '01ARZ3NDEKTSV4RRFFQ69G5FAV')), 404, 'not_found');
    expectErrorBody(await get(jobPath(scope, 'Not_A_Job')), 400, 'validation_failed');
    expectErrorBody(await get(`/v1/jobs/${job.json.job_id}?tenant_id=acme`), 400, 'validation_failed');
    expectErrorBody(await get(jobPath(scope, job.json.job_id), env.tokens.intruder), 403, 'tenant_mismatch');
    const theirs = { ...scope, tenant_id: 'evil' };
    expectErrorBody(await get(jobPath(theirs, job.json.job_id), env.tokens.intruder), 404, 'not_found');
  });

  it('[CONTRACT 9] kill -9 while a job runs: after the restart GET says failed (interrupted), and job_completed is durable', async () => {
    const { scope, cursor } = await whiteboard(env.world, 'killed', 'wb');
    const realtime = new SseClient(env.world.realtimeUrl(scope), { token: env.tokens.admin });
    let jobId: string;
    try {
      await realtime.open();
      const res = await accepted({ scope, pipeline: ['canvas-stats'], fps: 2, input: { canvas_frames: 100 } });
      jobId = res.json.job_id;
      await realtime.waitFor((f) => f.event === 'frame' && f.json.payload.job_id === jobId, 10_000, 'a first frame');
    } finally {
      realtime.close();
    }
    await env.gateway.kill9();
    await env.gateway.restart();
    const got = await api(env.gateway.url, 'GET', jobPath(scope, jobId), { token: env.tokens.editor });
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ job_id: jobId, status: 'failed', error: { kind: 'interrupted' } });
    expect(got.json.error.message).toMatch(/crashed or was killed/);
    const world = new TestWorld(env.gateway.url, 'acme');
    const replay = new SseClient(world.realtimeUrl(scope, { after: cursor }), { token: env.tokens.admin });
    try {
      const done = await completedOf(replay, jobId, 5000);
      expect(done.json.payload).toEqual(got.json);
      const durable = jobFrames(replay, jobId).filter((f) => f.id !== null);
      expect(durable.map((f) => f.event)).toEqual(['error', 'job_completed']);
    } finally {
      replay.close();
    }
  });
});
