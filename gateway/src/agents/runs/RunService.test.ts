import { type RunInfo, runInfoSchema, type Scope } from '@easel/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import type { Principal } from '../../core/auth/Principal.ts';
import { ADMIN, command, EDITOR, harnessPerTest, scopeOf, VIEWER } from '../../core/testing/coreHarness.ts';
import { mustOpen } from '../../spine/sqliteTestHarness.ts';
import { RunService, type RunServiceOptions } from './RunService.ts';
import { runToolsPerFile } from './testing/runToolsPerFile.ts';

// RunService on a real core (SQLite spine), the real plugin sandbox (built-ins plus the run
// fixtures) and the real local model, without HTTP (gateway/test/runs.test.ts covers that).

const h = harnessPerTest((file) => ({ spine: mustOpen({ path: file, durability: 'normal' }), bus: new MemoryBus() }));

const tools = runToolsPerFile();

let services: RunService[] = [];
afterEach(async () => {
  for (const s of services) await s.close();
  services = [];
});

async function openService(options: Partial<RunServiceOptions> = {}): Promise<RunService> {
  const service = await RunService.open({ core: h.core, plugins: tools.host, models: tools.pool, ...options });
  services.push(service);
  return service;
}

async function board(canvasId: string): Promise<Scope> {
  const scope = scopeOf(canvasId);
  const created = await h.core.submit(ADMIN, command('canvas.create', scope, { canvas_type: 'board' }));
  if (!created.ok) throw new Error(created.error.message);
  return scope;
}

function task(extra: Record<string, unknown> = {}) {
  return {
    goal: 'add three notes about testing',
    budget: { tokens: 100_000, time_ms: 20_000, width: 2, reflection: 0 },
    verify: {},
    ...extra,
  };
}

async function start(service: RunService, scope: Scope, body: Record<string, unknown>, who: Principal = EDITOR) {
  const created = await service.create(who, { scope, task: task(body) });
  if (!created.ok) throw new Error(`${created.error.code}: ${created.error.message}`);
  return created.value.run_id;
}

/** Polls the run (bounded) until it has a verdict. */
async function settled(service: RunService, scope: Scope, runId: string, timeoutMs = 15_000): Promise<RunInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await service.get(EDITOR, scope, runId);
    if (!got.ok) throw new Error(got.error.message);
    if (got.value.status !== 'running') return runInfoSchema.parse(got.value);
    if (Date.now() > deadline) throw new Error(`run ${runId} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The run's stored events (envelopes), in log order. */
async function runEvents(runId: string) {
  const stored = await h.spine.read('acme/p1', 0, { limit: 10_000 });
  return stored.map((e) => JSON.parse(e.envelope)).filter((env) => env.scope.run_id === runId);
}

// Real plugin processes (spawned per test or file): roomy timeouts for a loaded machine.
describe('[CONTRACT 10] RunService', { timeout: 30_000 }, () => {
  it('refuses invalid specs with the zod path, unknown tools, viewers and missing canvases', async () => {
    const service = await openService();
    const scope = await board('c1');
    const bad = await service.create(EDITOR, {
      scope,
      task: task({ budget: { tokens: 10, time_ms: 10, width: 0, reflection: 0 } }),
    });
    expect(!bad.ok && bad.error.code).toBe('validation_failed');
    expect(!bad.ok && bad.error.message).toMatch(/^task\.budget\.width: /);
    const tool = await service.create(EDITOR, {
      scope,
      task: task({ tools: [{ plugin: 'canvas-stats', tool: 'nope' }] }),
    });
    expect(!tool.ok && tool.error.message).toMatch(/^task\.tools\[0\]\.tool: plugin 'canvas-stats' has no tool 'nope'/);
    const scorer = await service.create(EDITOR, {
      scope,
      task: task({ verify: { refusal_thresholds: { ghost: 0.5 } } }),
    });
    expect(!scorer.ok && scorer.error.message).toMatch(/^task\.verify\.refusal_thresholds\.ghost: /);
    const viewer = await service.create(VIEWER, { scope, task: task() });
    expect(!viewer.ok && viewer.error.code).toBe('forbidden');
    const missing = await service.create(EDITOR, { scope: scopeOf('nope'), task: task() });
    expect(!missing.ok && missing.error.code).toBe('not_found');
    const other = await service.create(EDITOR, { scope: { ...scope, tenant_id: 'evil' }, task: task() });
    expect(!other.ok && other.error.code).toBe('tenant_mismatch');
  });

  it('adds notes through the local model, calls canvas-stats, commits as the run and passes its verify', async () => {
    const service = await openService();
    const scope = await board('c1');
    const runId = await start(service, scope, {
      goal: 'add three notes about testing, after checking canvas-stats.stats',
      tools: [{ plugin: 'canvas-stats', tool: 'stats' }],
      verify: {
        assertions: [
          { id: 'notes', path: '/state/notes', op: 'gte', value: 3 },
          { id: 'stats', path: '/output/tools/canvas-stats.stats/canvas_type', op: 'equals', value: 'board' },
        ],
      },
    });
    const info = await settled(service, scope, runId);
    expect(info.status).toBe('passed');
    expect(info.verdict).toMatchObject({ kind: 'verdict', verdict: 'pass', run_id: runId });
    expect(info.revisions).toHaveLength(1);
    expect(info.usage.tool_calls).toBe(1);
    const read = await h.core.readCanvas(ADMIN, scope);
    expect(read.ok && Object.keys(read.value.state.notes as object)).toHaveLength(3);

    const events = await runEvents(runId);
    const kinds = events.map((e) =>
      e.type === 'run_event' ? `${e.payload.kind}:${e.payload.phase ?? e.payload.verdict}` : e.type,
    );
    expect(kinds).toEqual(['run_started', 'tool:call', 'tool:result', 'state_patch', 'canvas_commit', 'verdict:pass']);
    for (const e of events.slice(1)) expect(e.actor).toEqual({ id: `run:${runId}`, kind: 'agent' });
    expect(events[2].payload).toMatchObject({ ok: true, tool: 'canvas-stats.stats', output: { canvas_type: 'board' } });
    expect(events[4].payload).toMatchObject({ kind: 'commit', run_id: runId, revision: info.revisions[0] });
  });

  it('stops a runaway run at its token budget, and another at its time budget, durably', async () => {
    const service = await openService();
    const scope = await board('c1');
    const tokens = await start(service, scope, {
      goal: 'keep pausing with run-tools.pause forever',
      tools: [{ plugin: 'run-tools', tool: 'pause' }],
      inputs: { ms: 1 },
      budget: { tokens: 400, time_ms: 20_000, width: 1, reflection: 0 },
    });
    const time = await start(service, scope, {
      goal: 'keep pausing with run-tools.pause forever',
      tools: [{ plugin: 'run-tools', tool: 'pause' }],
      inputs: { ms: 100 },
      budget: { tokens: 10_000_000, time_ms: 600, width: 1, reflection: 0 },
    });
    const [a, b] = await Promise.all([settled(service, scope, tokens), settled(service, scope, time)]);
    expect(a.verdict).toMatchObject({ verdict: 'stopped', budget_exceeded: 'tokens' });
    expect(a.usage.tokens).toBeGreaterThan(400);
    expect(b.verdict).toMatchObject({ verdict: 'stopped', budget_exceeded: 'time_ms' });
    expect(b.usage.time_ms).toBeGreaterThanOrEqual(600);
    expect(b.usage.time_ms).toBeLessThan(5000);
    const verdicts = (await runEvents(tokens)).filter((e) => e.payload.kind === 'verdict');
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0].durable).toBe(true);
  });

  it('keeps at most width tool calls in flight', async () => {
    const service = await openService();
    const scope = await board('c1');
    const tools = [1, 2, 3, 4, 5].map((n) => ({ plugin: 'run-tools', tool: 'pause', alias: `probe_${n}` }));
    const runId = await start(service, scope, {
      goal: 'look around',
      tools,
      inputs: { ms: 120 },
      budget: { tokens: 100_000, time_ms: 20_000, width: 2, reflection: 0 },
    });
    const info = await settled(service, scope, runId);
    expect(info.usage.tool_calls).toBe(5);
    expect(info.usage.max_parallel_tools).toBe(2);
    const results = (await runEvents(runId)).filter((e) => e.payload.kind === 'tool' && e.payload.phase === 'result');
    const seen = results.map((e) => e.payload.output.in_flight as number);
    expect(Math.max(...seen)).toBeLessThanOrEqual(2);
    expect(Math.max(...seen)).toBe(2);
  });

  it('a failing assertion fails the run after its reflection rounds; a low score below the refusal threshold refuses it', async () => {
    const service = await openService();
    const scope = await board('c1');
    const failing = await start(service, scope, {
      goal: 'add two notes about cats',
      budget: { tokens: 100_000, time_ms: 20_000, width: 1, reflection: 1 },
      verify: { assertions: [{ id: 'ten', path: '/state/notes', op: 'gte', value: 10 }] },
    });
    const failed = await settled(service, scope, failing);
    expect(failed.status).toBe('failed');
    expect(failed.verdict?.reason).toContain('assertion ten failed');
    expect(failed.usage.reflections).toBe(1);
    expect(failed.usage.rounds).toBe(2);

    const scoped = await board('c2');
    const refusedRun = await start(service, scoped, {
      goal: 'say hello',
      verify: {
        scorers: [{ id: 'notes', tool: 'run-tools.note_score', threshold: 0.9 }],
        refusal_thresholds: { notes: 0.5 },
      },
    });
    const refused = await settled(service, scoped, refusedRun);
    expect(refused.status).toBe('refused');
    expect(refused.verdict?.scores).toEqual({ notes: 0 });
  });

  it('a run left without a verdict (its gateway stopped) is settled stopped/interrupted by the next start', async () => {
    const first = await openService();
    const scope = await board('c1');
    const runId = await start(first, scope, {
      goal: 'keep pausing with run-tools.pause forever',
      tools: [{ plugin: 'run-tools', tool: 'pause' }],
      inputs: { ms: 50 },
    });
    // A second service on the same spine starts while the first still runs (as after kill -9).
    const second = await openService();
    const info = await second.get(EDITOR, scope, runId);
    expect(info.ok && info.value.status).toBe('stopped');
    expect(info.ok && info.value.verdict).toMatchObject({ verdict: 'stopped', reason: 'interrupted' });
    const verdicts = (await runEvents(runId)).filter((e) => e.payload.kind === 'verdict');
    expect(verdicts[0].payload).toMatchObject({ verdict: 'stopped', reason: 'interrupted' });
    // The first node was still running it: its own verdict does not get in (one verdict per run),
    // and what it stores follows the settled one.
    await first.close();
    expect((await runEvents(runId)).filter((e) => e.payload.kind === 'verdict')).toHaveLength(1);
    const after = await second.get(EDITOR, scope, runId);
    expect(after.ok && after.value.verdict).toMatchObject({ verdict: 'stopped', reason: 'interrupted' });
  });
});
