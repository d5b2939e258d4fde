import { extendedJobResponseSchema, runInfoSchema } from '@easel/schemas';
import { afterAll, describe, expect, it } from 'vitest';
import { api } from './harness/api.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { type SseFrame, SseClient } from './harness/SseClient.ts';

// Data a job or run computed from canvas content follows the lens of that content (contract §6
// applied to §9 and §10): a planner who may not read `shapes` sees that a director's canvas-stats
// job and run happened, never a figure computed from the shapes — on the canvas stream, the
// realtime stream, the run stream and in GET answers; the director sees all of it.

const env = gatewayPerFile(
  {
    admin: { tenant: 'acme', sub: 'ann' },
    director: { tenant: 'acme', sub: 'dan', roles: ['director'] },
    planner: { tenant: 'acme', sub: 'pat', roles: ['planner'] },
  },
  { env: { EASEL_LOCAL_TOKEN_DELAY_MS: '1' } },
);

const PROJECT = 'derived';
const POLICY = {
  roles: {
    director: {
      tokens: { read: ['*'], write: ['*'] },
      state: { read: ['*'], write: ['*'] },
      sidecars: { see: true, resolve: true },
      commands: ['*'],
    },
    planner: {
      tokens: { read: ['*'], write: [] },
      state: { read: ['layers'], write: ['layers'] },
      sidecars: { see: false, resolve: false },
      commands: ['state.*'],
    },
  },
  default_role: 'viewer',
};

// Seven 13.25 × 17 rectangles: canvas-stats reports total_area 1576.75 (a figure nothing else has).
const AREA = '1576.75';
const WIDTH = '13.25';
const FILL = '#123456';
const SHAPES = Array.from({ length: 7 }, (_, i) => ({
  op: 'insert',
  root: 'shapes',
  key: `s${i}`,
  value: { kind: 'rect', x: 1000 + 20 * i, y: 500, w: 13.25, h: 17, fill: FILL },
}));

const streams: SseClient[] = [];
afterAll(() => {
  for (const s of streams) s.close();
});

function open(url: string, token: string): SseClient {
  const s = new SseClient(url, { token });
  streams.push(s);
  return s;
}

function query(scope: Record<string, string>): string {
  const { canvas_id: _c, ...rest } = scope;
  return new URLSearchParams(rest).toString();
}

const isCompleted = (jobId: string) => (f: SseFrame) =>
  f.event === 'job_completed' && f.json?.payload?.job_id === jobId;
const isVerdict = (runId: string) => (f: SseFrame) =>
  f.event === 'run_event' && f.json?.payload?.kind === 'verdict' && f.json.payload.run_id === runId;

/** Every frame's text, joined (what reached the subscriber). */
const text = (s: SseClient) => s.frames.map((f) => `${f.event}\n${f.data}`).join('\n');

describe('[CONTRACT 6] data derived from canvas content follows the lens of that content', () => {
  it('a planner who cannot read shapes gets no figure computed from them; the director gets every one', async () => {
    const { admin, director, planner } = env.tokens;
    const policy = await api(env.gateway.url, 'PUT', `/v1/projects/${PROJECT}/lens`, { token: admin, body: POLICY });
    expect(policy.status).toBe(200);
    const scope = env.world.scope(PROJECT, 'wb');
    await env.world.commit(admin, 'canvas.create', scope, { canvas_type: 'whiteboard', title: 'wb' });
    await env.world.commit(director, 'state.ops', scope, { ops: SHAPES });

    const watch = {
      directorCanvas: open(env.world.streamUrl(scope), director),
      directorRealtime: open(env.world.realtimeUrl(scope), director),
      plannerCanvas: open(env.world.streamUrl(scope), planner),
      plannerRealtime: open(env.world.realtimeUrl(scope), planner),
    };
    for (const s of Object.values(watch)) expect((await s.open()).status).toBe(200);

    // A canvas-stats job and a thumbnail job over the canvas, and a run calling canvas-stats.
    const jobs: string[] = [];
    for (const pipeline of [['canvas-stats'], ['whiteboard-thumbnail']]) {
      const res = await api(env.gateway.url, 'POST', '/v1/jobs', {
        token: director,
        body: { scope, pipeline, device_requested: 'cpu', input: { canvas_id: 'wb' } },
      });
      expect(res.status).toBe(202);
      jobs.push(res.json.job_id);
    }
    const created = await api(env.gateway.url, 'POST', '/v1/runs', {
      token: director,
      body: {
        scope,
        task: {
          goal: 'look at the canvas with canvas-stats.stats',
          tools: [{ plugin: 'canvas-stats', tool: 'stats' }],
          budget: { tokens: 100_000, time_ms: 20_000, width: 1, reflection: 0 },
          verify: {
            assertions: [
              { id: 'area', path: '/output/tools/canvas-stats.stats/whiteboard/total_area', op: 'lte', value: 1 },
            ],
          },
        },
      },
    });
    expect(created.status).toBe(201);
    const runId: string = created.json.run_id;
    const runUrl = (token: string) =>
      open(new URL(`/v1/runs/${runId}/events?${query(scope)}`, env.gateway.url).toString(), token);
    const plannerRun = runUrl(planner);
    const directorRun = runUrl(director);

    for (const s of Object.values(watch)) {
      for (const jobId of jobs) await s.waitFor(isCompleted(jobId), 20_000, `job_completed of ${jobId}`);
      await s.waitFor(isVerdict(runId), 20_000, `the verdict of ${runId}`);
    }
    for (const s of [plannerRun, directorRun]) await s.waitFor(isVerdict(runId), 20_000, 'the run verdict');

    // Nothing internal reaches anyone.
    for (const s of [...Object.values(watch), plannerRun, directorRun]) expect(text(s)).not.toContain('derived_from');

    // The director sees the figures, on every stream.
    for (const s of [watch.directorCanvas, watch.directorRealtime]) {
      const stats = s.frames.find(isCompleted(jobs[0]!))!.json.payload;
      expect(stats.result[0].whiteboard).toMatchObject({ shapes: 7, total_area: 1576.75 });
      expect(s.frames.find(isCompleted(jobs[1]!))!.json.payload.result[0].svg).toContain(FILL);
    }
    for (const s of [watch.directorCanvas, watch.directorRealtime, directorRun]) {
      const result = s.frames.find(
        (f) => f.event === 'run_event' && f.json.payload.kind === 'tool' && f.json.payload.phase === 'result',
      );
      expect(result?.json.payload.output.whiteboard.total_area).toBe(1576.75);
      expect(s.frames.find(isVerdict(runId))!.json.payload.reason).toContain(AREA);
    }

    // The planner sees that the work happened and how it ended, never what it computed.
    for (const s of [watch.plannerCanvas, watch.plannerRealtime, plannerRun]) {
      const all = text(s);
      for (const figure of [AREA, WIDTH, FILL, '"shapes":7', 'shapes_by_kind', '<svg'])
        expect(all).not.toContain(figure);
      const verdict = s.frames.find(isVerdict(runId))!.json.payload;
      expect(verdict).toMatchObject({ verdict: 'fail', redacted: true, assertions: [{ id: 'area', ok: false }] });
      const tools = s.frames.filter((f) => f.event === 'run_event' && f.json.payload.kind === 'tool');
      expect(tools.map((f) => f.json.payload.phase)).toEqual(['call', 'result']);
      expect(tools.every((f) => f.json.payload.redacted === true && !('output' in f.json.payload))).toBe(true);
      expect(s.frames.some((f) => f.event === 'run_event' && f.json.payload.kind === 'token')).toBe(false);
    }
    for (const s of [watch.plannerCanvas, watch.plannerRealtime]) {
      for (const jobId of jobs) {
        const done = s.frames.find(isCompleted(jobId))!.json.payload;
        expect(done).toMatchObject({ job_id: jobId, status: 'succeeded', redacted: true });
        expect(done).not.toHaveProperty('result');
      }
    }

    // GET answers follow the same rule for their caller.
    for (const jobId of jobs) {
      const path = `/v1/jobs/${jobId}?${query(scope)}`;
      const mine = await api(env.gateway.url, 'GET', path, { token: director });
      const theirs = await api(env.gateway.url, 'GET', path, { token: planner });
      expect([mine.status, theirs.status]).toEqual([200, 200]);
      expect(extendedJobResponseSchema.safeParse(theirs.json).success).toBe(true);
      expect(mine.json.result).toHaveLength(1);
      expect(mine.text).not.toContain('derived_from');
      expect(theirs.json).toMatchObject({ status: 'succeeded', redacted: true });
      expect(theirs.json).not.toHaveProperty('result');
      for (const figure of [AREA, WIDTH, FILL, 'derived_from']) expect(theirs.text).not.toContain(figure);
    }
    expect(
      (await api(env.gateway.url, 'GET', `/v1/jobs/${jobs[0]}?${query(scope)}`, { token: director })).json.result[0]
        .whiteboard.total_area,
    ).toBe(1576.75);
    const runPath = `/v1/runs/${runId}?${query(scope)}`;
    const mine = await api(env.gateway.url, 'GET', runPath, { token: director });
    const theirs = await api(env.gateway.url, 'GET', runPath, { token: planner });
    expect(runInfoSchema.safeParse(theirs.json).success).toBe(true);
    expect(mine.json.verdict.reason).toContain(AREA);
    expect(theirs.json).toMatchObject({ status: 'failed', verdict: { verdict: 'fail', redacted: true } });
    for (const figure of [AREA, 'derived_from']) expect(theirs.text).not.toContain(figure);
    expect(mine.text).not.toContain('derived_from');
  });
});
