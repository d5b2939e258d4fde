import { type ExtendedJobResponse, extendedJobResponseSchema, type Scope } from '@easel/schemas';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import type { Principal } from '../core/auth/Principal.ts';
import { ADMIN, command, EDITOR, harnessPerTest, scopeOf, VIEWER } from '../core/testing/coreHarness.ts';
import { builtinPluginFolders, openPluginHost, type SandboxPluginHost } from '../plugins/index.ts';
import { fixtureFolders } from '../plugins/testing/pluginTestKit.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import type { JobRecord } from './JobRecord.ts';
import { JobService, type JobServiceOptions } from './JobService.ts';
import { JOB_EVENT_PAYLOADS } from './testing/jobEventPayloads.ts';
import { JobStore } from './JobStore.ts';

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));

let host: SandboxPluginHost;
beforeAll(async () => {
  host = await openPluginHost({
    folders: [...builtinPluginFolders(), ...fixtureFolders('tool-throws', 'slow-progress', 'gpu-only')],
  });
});
afterAll(async () => {
  await host?.close();
});

let services: JobService[] = [];
afterEach(async () => {
  for (const service of services) await service.close();
  services = [];
});

async function openService(options: Partial<JobServiceOptions> = {}): Promise<JobService> {
  const service = await JobService.open({
    core: h.core,
    plugins: host,
    pluginChanges: (listener) => host.subscribe(listener),
    gpu: { present: false, detail: 'test: no GPU' },
    progressIntervalMs: 50,
    persistEveryMs: 50,
    ...options,
  });
  services.push(service);
  return service;
}

const PROJECT: Scope = { tenant_id: 'acme', project_id: 'p1', app_id: 'app', surface_id: 'main', mode: 'edit' };

async function whiteboard(canvasId: string): Promise<Scope> {
  const scope = scopeOf(canvasId);
  const created = await h.core.submit(
    ADMIN,
    command('canvas.create', scope, { canvas_type: 'whiteboard', title: 'W' }),
  );
  if (!created.ok) throw new Error(created.error.message);
  const ops = [
    { op: 'insert', root: 'shapes', key: 'r1', value: { kind: 'rect', x: 0, y: 0, w: 40, h: 30, fill: '#ff0000' } },
    { op: 'insert', root: 'shapes', key: 'e1', value: { kind: 'ellipse', x: 50, y: 10, w: 20, h: 20 } },
  ];
  const added = await h.core.submit(ADMIN, command('state.ops', scope, { ops }));
  if (!added.ok) throw new Error(added.error.message);
  return scope;
}

async function submit(service: JobService, p: Principal, body: Record<string, unknown>) {
  const result = await service.submit(p, { device_requested: 'cpu', ...body });
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function settled(service: JobService, jobId: string, timeoutMs = 15_000): Promise<ExtendedJobResponse> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const got = await service.get(ADMIN, PROJECT, jobId);
    if (got.ok && ['succeeded', 'failed', 'cancelled'].includes(got.value.status)) return got.value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`job ${jobId} did not finish within ${timeoutMs} ms`);
}

/** The events of a job on the bus: type, durable seq, payload. */
function jobEvents(jobId: string) {
  return h.events
    .map((e) => ({ type: e.type, seq: e.seq, env: JSON.parse(e.envelope) }))
    .filter((e) => e.env.scope?.job_id === jobId);
}

function expectValidPayloads(events: ReturnType<typeof jobEvents>): void {
  for (const e of events) {
    const schema = JOB_EVENT_PAYLOADS[e.type];
    expect(schema, `unexpected event ${e.type}`).toBeDefined();
    expect(schema!.safeParse(e.env.payload).success, `${e.type}: ${JSON.stringify(e.env.payload)}`).toBe(true);
    expect(e.seq === null).toBe(e.type !== 'job_completed' && e.type !== 'error');
  }
}

// Real plugin processes (spawned per test or file): roomy timeouts for a loaded machine.
describe('JobService', { timeout: 30_000 }, () => {
  it('[CONTRACT 9] a job over a whiteboard canvas succeeds; telemetry then a durable job_completed, all schema-valid', async () => {
    const service = await openService();
    const scope = await whiteboard('wb');
    const accepted = await submit(service, EDITOR, {
      scope,
      pipeline: ['whiteboard-thumbnail', 'frame-analysis'],
      fps: 20,
      input: { canvas_frames: 2, params: { 'whiteboard-thumbnail': { width: 64, height: 48 } } },
    });
    expect(extendedJobResponseSchema.safeParse(accepted).success).toBe(true);
    expect(accepted).toMatchObject({ status: 'running', device_used: 'cpu', fallback: false, frames_total: 2 });
    const done = await settled(service, accepted.job_id);
    expect(done).toMatchObject({ status: 'succeeded', frames: 2, progress: 100, canvas_id: 'wb' });
    expect(Object.keys(done.plugin_timings ?? {}).sort()).toEqual(['frame-analysis', 'whiteboard-thumbnail']);
    const result = done.result as Array<{ width: number; height: number; source: string; index: number }>;
    expect(result.map((r) => [r.index, r.width, r.height, r.source])).toEqual([
      [0, 64, 48, 'previous'],
      [1, 64, 48, 'previous'],
    ]);
    const events = jobEvents(accepted.job_id);
    expectValidPayloads(events);
    const types = events.map((e) => e.type);
    expect(types.at(-1)).toBe('job_completed');
    expect(types.filter((t) => t === 'frame')).toHaveLength(2);
    const statuses = events
      .filter((e) => e.type === 'plugin_status' && e.env.payload.phase !== undefined)
      .map((e) => e.env.payload);
    expect(statuses.map((s) => `${s.name}:${s.phase}:${s.frame}`)).toEqual([
      'whiteboard-thumbnail:started:0',
      'whiteboard-thumbnail:finished:0',
      'frame-analysis:started:0',
      'frame-analysis:finished:0',
      'whiteboard-thumbnail:started:1',
      'whiteboard-thumbnail:finished:1',
      'frame-analysis:started:1',
      'frame-analysis:finished:1',
    ]);
    expect(events.find((e) => e.type === 'frame')?.env.payload).toMatchObject({ index: 0, width: 64, height: 48 });
    const completed = events.at(-1)!.env;
    expect(completed.scope).toMatchObject({ canvas_id: 'wb', job_id: accepted.job_id });
    expect(completed.actor).toEqual({ id: EDITOR.actorId, kind: EDITOR.kind });
    // The stored event carries the job's sources (internal: `projectEvent` strips it for everyone).
    const { derived_from: sources, ...payload } = completed.payload;
    expect(payload).toEqual(done);
    expect(sources).toEqual({
      roots: ['layers', 'shapes'],
      tokens: expect.arrayContaining(['style.fill']),
      sidecars: false,
    });
    // Progress only grows and ends at 100.
    const percents = events.filter((e) => e.type === 'progress').map((e) => e.env.payload.percent as number);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);
  });

  it('[CONTRACT 9] bounded concurrency: beyond maxRunning a job waits queued, then runs', async () => {
    const service = await openService({ maxRunning: 1 });
    const scope = await whiteboard('wb');
    const body = { scope, pipeline: ['canvas-stats'], fps: 10, input: { canvas_frames: 3 } };
    const first = await submit(service, EDITOR, body);
    const second = await submit(service, EDITOR, body);
    expect([first.status, second.status]).toEqual(['running', 'queued']);
    expect(service.stats()).toEqual({ running: 1, queued: 1 });
    const [a, b] = [await settled(service, first.job_id), await settled(service, second.job_id)];
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    expect(Date.parse(String(b.started_at))).toBeGreaterThanOrEqual(Date.parse(String(a.finished_at)));
  });

  it('[CONTRACT 9] a chosen job id sent to two nodes at once is accepted once; the other answers 409 and starts nothing', async () => {
    // Two services on one spine, each with its own in-process claims, as two nodes have.
    const nodes = [await openService(), await openService()];
    const scope = await whiteboard('wb');
    for (let round = 0; round < 4; round++) {
      const jobId = `chosen-${round}`;
      const body = {
        device_requested: 'cpu',
        scope: { ...scope, job_id: jobId },
        pipeline: ['canvas-stats'],
        fps: 10,
        input: { canvas_frames: 1 },
      };
      const answers = await Promise.all([...nodes, ...nodes].map((node) => node.submit(EDITOR, body)));
      expect(answers.filter((a) => a.ok)).toHaveLength(1);
      for (const a of answers) if (!a.ok) expect(a.error.code).toBe('conflict');
      const winner = nodes[answers.findIndex((a) => a.ok) % 2]!;
      expect((await settled(winner, jobId)).status).toBe('succeeded');
      expect(jobEvents(jobId).filter((e) => e.type === 'job_completed')).toHaveLength(1);
    }
  });

  it('[CONTRACT 9] a failing stage fails the job with its kind: durable error, then job_completed (failed)', async () => {
    const service = await openService();
    const frame = { kind: 'canvas', canvas_type: 'board', state: { notes: {} }, tokens: {} };
    const accepted = await submit(service, EDITOR, {
      scope: PROJECT,
      pipeline: ['canvas-stats', 'tool-throws.boom'],
      input: { frames: [frame, frame] },
    });
    const done = await settled(service, accepted.job_id);
    expect(done.status).toBe('failed');
    expect(done.error?.kind).toBe('threw');
    expect(done.error?.message).toMatch(/^tool-throws\.boom failed on frame 0: TypeError/);
    expect(done.frames).toBe(0);
    const events = jobEvents(accepted.job_id);
    expectValidPayloads(events);
    const durable = events.filter((e) => e.seq !== null);
    expect(durable.map((e) => e.type)).toEqual(['error', 'job_completed']);
    expect(durable[0]!.env.payload).toMatchObject({ job_id: accepted.job_id, plugin: 'tool-throws', kind: 'threw' });
    expect(durable[1]!.seq).toBe(durable[0]!.seq! + 1);
  });

  it('[CONTRACT 9] plugin warnings and partial results stream as warning and partial_result; gpu falls back with a warning', async () => {
    const service = await openService();
    const frame = { kind: 'canvas', canvas_type: 'board', state: {}, tokens: {} };
    const accepted = await submit(service, EDITOR, {
      scope: PROJECT,
      pipeline: ['slow-progress.work'],
      device_requested: 'gpu',
      input: { frames: [frame] },
    });
    expect(accepted).toMatchObject({ device_requested: 'gpu', device_used: 'cpu', fallback: true });
    expect(accepted.warnings?.[0]).toMatch(/^device_requested gpu, but this gateway node has no GPU \(test: no GPU\)/);
    const done = await settled(service, accepted.job_id);
    expect(done.status).toBe('succeeded');
    expect(done.warnings).toContain('slow-progress: halfway: frame 5 is blurry');
    const events = jobEvents(accepted.job_id);
    expectValidPayloads(events);
    const warnings = events.filter((e) => e.type === 'warning').map((e) => e.env.payload.message);
    expect(warnings[0]).toMatch(/^device_requested gpu/);
    expect(warnings).toContain('halfway: frame 5 is blurry');
    const partials = events.filter((e) => e.type === 'partial_result').map((e) => e.env.payload);
    expect(partials.length).toBeGreaterThan(0);
    expect(partials.at(-1)).toMatchObject({ plugin: 'slow-progress', tool: 'work', payload: { step: 10 } });
  });

  it('[CONTRACT 9] refusals: viewer 403, missing canvas 404, unavailable stage 503; GET 404 for unknown or other-project jobs', async () => {
    const service = await openService();
    const base = { scope: scopeOf('nowhere'), pipeline: ['canvas-stats'], device_requested: 'cpu', input: {} };
    const viewer = await service.submit(VIEWER, base);
    expect(!viewer.ok && viewer.error.code).toBe('forbidden');
    const missing = await service.submit(EDITOR, base);
    expect(!missing.ok && missing.error).toMatchObject({ code: 'not_found' });
    const gpu = await service.submit(EDITOR, { ...base, pipeline: ['gpu-only'] });
    expect(!gpu.ok && gpu.error.code).toBe('unavailable');
    const scope = await whiteboard('wb');
    const job = await submit(service, EDITOR, { ...base, scope });
    await settled(service, job.job_id);
    expect((await service.get(VIEWER, PROJECT, job.job_id)).ok).toBe(true);
    const other = await service.get(ADMIN, { ...PROJECT, project_id: 'p2' }, job.job_id);
    expect(!other.ok && other.error.code).toBe('not_found');
    const unknown = await service.get(ADMIN, PROJECT, '01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
    const bad = await service.get(ADMIN, PROJECT, 'Not A Job!');
    expect(!bad.ok && bad.error).toMatchObject({ code: 'validation_failed', message: /^job_id: / });
    const named = await service.submit(EDITOR, { ...base, scope: { ...scope, job_id: job.job_id } });
    expect(!named.ok && named.error.code).toBe('conflict');
  });

  it('[CONTRACT 9] close interrupts running and queued jobs: failed, kind interrupted, durably', async () => {
    const service = await openService({ maxRunning: 1 });
    const scope = await whiteboard('wb');
    const body = { scope, pipeline: ['canvas-stats'], fps: 2, input: { canvas_frames: 50 } };
    const running = await submit(service, EDITOR, body);
    const queued = await submit(service, EDITOR, body);
    await service.close();
    const reader = await openService();
    for (const id of [running.job_id, queued.job_id]) {
      const got = await reader.get(ADMIN, PROJECT, id);
      expect(got.ok && got.value).toMatchObject({ status: 'failed', error: { kind: 'interrupted' } });
      const durable = jobEvents(id).filter((e) => e.seq !== null);
      expect(durable.map((e) => e.type)).toEqual(['error', 'job_completed']);
    }
  });

  it('[CONTRACT 9] a job a killed node left running is settled when the node starts again (single-writer spine)', async () => {
    const scope = await whiteboard('wb');
    const record = leftRunning(scope, 'local', Date.now() + 60_000);
    const store = new JobStore(h.spine, 'local', 10);
    await store.save(record, true);
    await store.setActive(record, true);
    const service = await openService();
    const got = await service.get(ADMIN, PROJECT, record.job_id);
    expect(got.ok && got.value).toMatchObject({
      status: 'failed',
      frames: 3,
      error: { kind: 'interrupted', message: expect.stringMatching(/stopped \(crashed or was killed\)/) },
    });
    const durable = jobEvents(record.job_id).filter((e) => e.seq !== null);
    expect(durable.map((e) => e.type)).toEqual(['error', 'job_completed']);
    expect(durable[1]!.env.payload).toMatchObject({ status: 'failed', job_id: record.job_id });
    // Settled once: opening again changes nothing.
    await openService();
    expect(jobEvents(record.job_id).filter((e) => e.seq !== null)).toHaveLength(2);
  });

  it("[CONTRACT 9] shared spine: another node's job reads running while its lease holds, interrupted once it ran out", async () => {
    const spine = h.spine;
    const shared = {
      writers: 'shared' as const,
      getRecord: spine.getRecord.bind(spine),
      putRecord: spine.putRecord.bind(spine),
      listRecords: spine.listRecords.bind(spine),
    };
    const core = new Proxy(h.core, { get: (target, key) => (key === 'spine' ? shared : Reflect.get(target, key)) });
    const store = new JobStore(spine, 'n-other', 10);
    const alive = leftRunning(PROJECT, 'n-other', Date.now() + 60_000);
    const dead = leftRunning(PROJECT, 'n-other', Date.now() - 1);
    for (const r of [alive, dead]) {
      await store.save(r, true);
      await store.setActive(r, true);
    }
    const service = await openService({ core });
    const a = await service.get(ADMIN, PROJECT, alive.job_id);
    const d = await service.get(ADMIN, PROJECT, dead.job_id);
    expect(a.ok && a.value.status).toBe('running');
    expect(d.ok && d.value).toMatchObject({ status: 'failed', error: { kind: 'interrupted' } });
    expect(jobEvents(alive.job_id).filter((e) => e.seq !== null)).toHaveLength(0);
    expect(
      jobEvents(dead.job_id)
        .filter((e) => e.seq !== null)
        .map((e) => e.type),
    ).toEqual(['error', 'job_completed']);
  });
});

let leftCount = 0;
/** What a node that died mid-job leaves in the spine. */
function leftRunning(scope: Scope, node: string, leaseUntil: number): JobRecord {
  leftCount += 1;
  const at = new Date().toISOString();
  return {
    v: 1,
    job_id: `left-${leftCount}`,
    scope: { ...scope, job_id: `left-${leftCount}` },
    actor: { id: 'eve', kind: 'agent' },
    pipeline: ['canvas-stats'],
    status: 'running',
    device_requested: 'cpu',
    device_used: 'cpu',
    fallback: false,
    frames: 3,
    frames_total: 10,
    progress: 30,
    plugin_timings: { 'canvas-stats': 12 },
    warnings: [],
    created_at: at,
    started_at: at,
    updated_at: at,
    node,
    lease_until: leaseUntil,
  };
}
