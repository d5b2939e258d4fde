import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import { GatewayCore } from '../../core/GatewayCore.ts';
import { ADMIN, command, EDITOR, scopeOf } from '../../core/testing/coreHarness.ts';
import { type PgTestSchema, pgTestSchema } from '../../spine/pg/pgTestHarness.ts';
import { RunService } from './RunService.ts';
import { severable } from './testing/severableSpine.ts';
import { runToolsPerFile } from './testing/runToolsPerFile.ts';

// Runs on PostgreSQL (contract §10): two nodes (two PgSpine pools on one schema, one core each).
// Node A dies (its spine is cut off: every call fails); node B settles A's run once A's lease ran
// out, and the spine's command ids keep it at one verdict when A comes back.

const LEASE_MS = 1500;

const tools = runToolsPerFile();

let db: PgTestSchema | undefined;
let close: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of close.reverse()) await f().catch(() => {});
  close = [];
  await db?.cleanup();
  db = undefined;
});

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('[CONTRACT 10] runs on PostgreSQL', () => {
  it('a dead node’s run is settled stopped/interrupted by another node after its lease, with exactly one verdict', async () => {
    db = await pgTestSchema();
    const bus = new MemoryBus();
    const a = severable(await db.open());
    const spineB = await db.open();
    const coreA = await GatewayCore.open({ spine: a.spine, bus });
    const coreB = await GatewayCore.open({ spine: spineB, bus });
    const options = { plugins: tools.host, models: tools.pool, leaseMs: LEASE_MS, sweepMs: 200 };
    const runsA = await RunService.open({ core: coreA, ...options });
    const runsB = await RunService.open({ core: coreB, ...options });
    close.push(async () => {
      a.state.cut = false;
      await runsA.close();
      await runsB.close();
      await coreA.close();
      await coreB.close();
      await bus.close();
    });
    const scope = scopeOf('c1');
    const created = await coreB.submit(ADMIN, command('canvas.create', scope, { canvas_type: 'board' }));
    expect(created.ok).toBe(true);

    const run = await runsA.create(EDITOR, {
      scope,
      task: {
        goal: 'keep pausing with run-tools.pause forever',
        tools: [{ plugin: 'run-tools', tool: 'pause' }],
        inputs: { ms: 20 },
        budget: { tokens: 10_000_000, time_ms: 60_000, width: 1, reflection: 0 },
        verify: {},
      },
    });
    if (!run.ok) throw new Error(run.error.message);
    const runId = run.value.run_id;
    const events = async () =>
      (await spineB.read('acme/p1', 0, { limit: 10_000 }))
        .map((e) => JSON.parse(e.envelope))
        .filter((env) => env.scope.run_id === runId);
    const verdicts = async () => (await events()).filter((e) => e.payload.kind === 'verdict');
    await until(async () => (await events()).some((e) => e.payload.kind === 'tool'), 'a tool call', 10_000);
    const live = await runsB.get(EDITOR, scope, runId);
    expect(live.ok && live.value.status).toBe('running');

    a.state.cut = true;
    await until(async () => (await verdicts()).length > 0, 'the verdict', 4 * LEASE_MS + 10_000);
    expect((await verdicts())[0].payload).toMatchObject({ verdict: 'stopped', reason: 'interrupted' });
    const settled = await runsB.get(EDITOR, scope, runId);
    expect(settled.ok && settled.value).toMatchObject({ status: 'stopped', verdict: { reason: 'interrupted' } });

    a.state.cut = false;
    await until(async () => runsA.stats().live === 0, 'the revived node to stop its run', 10_000);
    expect(await verdicts()).toHaveLength(1);
    const seen = await runsA.get(EDITOR, scope, runId);
    expect(seen.ok && seen.value).toMatchObject({ status: 'stopped', verdict: { reason: 'interrupted' } });
  }, 60_000);
});
