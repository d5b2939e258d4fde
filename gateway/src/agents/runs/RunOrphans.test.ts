import type { Scope } from '@easel/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import { GatewayCore } from '../../core/GatewayCore.ts';
import { ADMIN, command, EDITOR, scopeOf } from '../../core/testing/coreHarness.ts';
import { SharedMemoryLog } from '../../core/testing/SharedMemoryLog.ts';
import { RunService } from './RunService.ts';
import { severable } from './testing/severableSpine.ts';
import { runToolsPerFile } from './testing/runToolsPerFile.ts';

// Runs on a shared spine (contract §10): two gateway nodes (cores) over one in-memory log with
// `writers: 'shared'` (SharedMemoryLog, what PostgreSQL gives), the real plugin sandbox and the
// real local model. A node "dies" by losing its spine (every read and write fails from then on,
// as after kill -9 or a cut connection); the other node must settle its runs, exactly once.

const LEASE_MS = 1500;

const tools = runToolsPerFile();

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => {});
  cleanup = [];
});

async function twoNodes() {
  const log = new SharedMemoryLog();
  const bus = new MemoryBus();
  const a = severable(log.node());
  const coreA = await GatewayCore.open({ spine: a.spine, bus });
  const coreB = await GatewayCore.open({ spine: log.node(), bus });
  const options = { plugins: tools.host, models: tools.pool, leaseMs: LEASE_MS, sweepMs: 100 };
  const runsA = await RunService.open({ core: coreA, ...options });
  const runsB = await RunService.open({ core: coreB, ...options });
  cleanup.push(async () => {
    await runsA.close();
    await runsB.close();
    await coreA.close();
    await coreB.close();
  });
  const scope = scopeOf('c1');
  const created = await coreB.submit(ADMIN, command('canvas.create', scope, { canvas_type: 'board' }));
  if (!created.ok) throw new Error(created.error.message);
  return { log, a, runsA, runsB, scope };
}

/** The log's events of a run (envelopes), in order. */
async function runEvents(log: SharedMemoryLog, runId: string) {
  const stored = await log.backing.read('acme/p1', 0, { limit: 10_000 });
  return stored.map((e) => JSON.parse(e.envelope)).filter((env) => env.scope.run_id === runId);
}

async function verdicts(log: SharedMemoryLog, runId: string) {
  return (await runEvents(log, runId)).filter((e) => e.type === 'run_event' && e.payload.kind === 'verdict');
}

/** Polls `check` (bounded) until it holds. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const FOREVER = {
  goal: 'keep pausing with run-tools.pause forever',
  tools: [{ plugin: 'run-tools', tool: 'pause' }],
  inputs: { ms: 20 },
  budget: { tokens: 10_000_000, time_ms: 60_000, width: 1, reflection: 0 },
  verify: {},
};

async function statusOn(service: RunService, scope: Scope, runId: string) {
  const got = await service.get(EDITOR, scope, runId);
  if (!got.ok) throw new Error(`${got.error.code}: ${got.error.message}`);
  return got.value;
}

describe('[CONTRACT 10] runs on a shared spine', () => {
  it('a run whose node died is settled stopped/interrupted by another node once its lease ran out, exactly once', async () => {
    const { log, a, runsA, runsB, scope } = await twoNodes();
    const created = await runsA.create(EDITOR, { scope, task: FOREVER });
    if (!created.ok) throw new Error(created.error.message);
    const runId = created.value.run_id;
    await until(async () => (await runEvents(log, runId)).some((e) => e.payload.kind === 'tool'), 'a tool call');

    // While its node renews the lease, no other node touches the run.
    await new Promise((r) => setTimeout(r, 2 * LEASE_MS));
    expect(await verdicts(log, runId)).toHaveLength(0);
    expect((await statusOn(runsB, scope, runId)).status).toBe('running');

    // The node dies: its lease runs out and the other node's sweep settles the run (nobody reads it).
    a.state.cut = true;
    await until(async () => (await verdicts(log, runId)).length > 0, 'the verdict', 4 * LEASE_MS + 5000);
    const [verdict] = await verdicts(log, runId);
    expect(verdict.payload).toMatchObject({ run_id: runId, verdict: 'stopped', reason: 'interrupted' });
    expect(verdict.durable).toBe(true);
    const settled = await statusOn(runsB, scope, runId);
    expect(settled).toMatchObject({ status: 'stopped', verdict: { verdict: 'stopped', reason: 'interrupted' } });

    // The node comes back (it was only cut off): it learns the run was settled, stops it, and its
    // own verdict does not get in; its record follows the settled verdict.
    a.state.cut = false;
    await until(async () => runsA.stats().live === 0, 'the revived node to stop its run', 5000);
    expect(await verdicts(log, runId)).toHaveLength(1);
    expect((await statusOn(runsA, scope, runId)).verdict).toMatchObject({ verdict: 'stopped', reason: 'interrupted' });
    expect((await statusOn(runsB, scope, runId)).status).toBe('stopped');
  }, 30_000);

  it('a node killed right after run_started is durable (before any other record write) leaves no run unsettled', async () => {
    const { log, a, runsB, runsA, scope } = await twoNodes();
    a.state.cutAfter = 'run_started';
    const runId = 'r-killed';
    await runsA.create(EDITOR, { scope: { ...scope, run_id: runId }, task: FOREVER });
    expect(a.state.cut).toBe(true);
    expect((await runEvents(log, runId)).map((e) => e.type)).toEqual(['run_started']);
    await until(async () => (await verdicts(log, runId)).length > 0, 'the verdict', 4 * LEASE_MS + 5000);
    expect((await runEvents(log, runId)).map((e) => `${e.type}:${e.payload.verdict ?? ''}`)).toEqual([
      'run_started:',
      'run_event:stopped',
    ]);
    expect(await statusOn(runsB, scope, runId)).toMatchObject({
      status: 'stopped',
      verdict: { verdict: 'stopped', reason: 'interrupted' },
    });
  }, 30_000);

  it('a node cut off before run_started refuses the run (503) and the registered record is settled, never left running', async () => {
    const { log, a, runsA, runsB, scope } = await twoNodes();
    const runId = 'r-refused';
    // The registration writes (live-run list, record) get through; the append does not.
    const inner = a.spine.append;
    a.spine.append = (req) => {
      if (req.events.some((e) => e.type === 'run_started')) a.state.cut = true;
      return inner(req);
    };
    const created = await runsA.create(EDITOR, { scope: { ...scope, run_id: runId }, task: FOREVER });
    expect(!created.ok && created.error.code).toBe('unavailable');
    expect(await runEvents(log, runId)).toEqual([]);
    // Reading it on the other node settles it once the lease ran out.
    await new Promise((r) => setTimeout(r, LEASE_MS + 100));
    const info = await statusOn(runsB, scope, runId);
    expect(info).toMatchObject({ status: 'stopped', verdict: { verdict: 'stopped', reason: 'interrupted' } });
    expect(await verdicts(log, runId)).toHaveLength(1);
  }, 30_000);
});
