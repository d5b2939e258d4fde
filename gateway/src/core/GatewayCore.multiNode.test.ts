import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { GatewayCore } from './GatewayCore.ts';
import { observe, runStep, stepArb } from './testing/canvasSteps.ts';
import { ADMIN, command, EDITOR, PLANNER, SECTION_6_POLICY, scopeOf } from './testing/coreHarness.ts';
import { SharedMemoryLog } from './testing/SharedMemoryLog.ts';

/**
 * Several gateway nodes on one shared log (`writers: 'shared'`), in memory: the multi-writer
 * command path (write turns, catch-up, in-turn idempotency) without a database. The same
 * scenarios run on PostgreSQL with real processes in `gateway/test/multiNode.test.ts`.
 */
let cores: GatewayCore[] = [];

async function cluster(n: number, limits = {}) {
  const log = new SharedMemoryLog();
  const bus = new MemoryBus();
  cores = await Promise.all(
    Array.from({ length: n }, () =>
      GatewayCore.open({ spine: log.node(), bus, limits: { snapshotEvery: 5, ...limits } }),
    ),
  );
  return { log, bus, nodes: cores };
}

afterEach(async () => {
  await Promise.all(cores.map((c) => c.close()));
  cores = [];
});

function statusOf(r: Awaited<ReturnType<GatewayCore['submit']>>): string {
  return r.ok ? r.value.status : r.error.code;
}

describe('GatewayCore on a shared spine (several writer nodes)', () => {
  it('[SCALE-OUT] writes spread over two nodes commit once each, with unique revisions, and both nodes converge', async () => {
    const { nodes, log } = await cluster(2);
    const [a, b] = nodes as [GatewayCore, GatewayCore];
    const s = scopeOf('c1');
    expect(statusOf(await a.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' })))).toBe('committed');
    const writes = Array.from({ length: 60 }, (_, i) =>
      (i % 2 === 0 ? a : b).submit(
        EDITOR,
        i % 3 === 0
          ? command('state.ops', s, { ops: [{ op: 'insert', root: 'notes', key: `n${i}`, value: { i } }] })
          : command('token.set', s, { token_id: 'plan.count', value: i }),
      ),
    );
    const results = await Promise.all(writes);
    expect(results.map(statusOf)).toEqual(results.map(() => 'committed'));
    const revisions = results.map((r) => (r.ok ? r.value.revision : -1)).sort((x, y) => x - y);
    expect(revisions).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const [ra, rb] = await Promise.all([a.readCanvas(ADMIN, s), b.readCanvas(ADMIN, s)]);
    expect(ra.ok && rb.ok).toBe(true);
    if (!ra.ok || !rb.ok) return;
    expect(ra.value).toEqual(rb.value);
    expect(ra.value.revision).toBe(60);
    expect(Object.keys(ra.value.state.notes as object)).toHaveLength(20);
    // The log holds exactly one event per command, gap-free.
    const stored = await log.backing.read('acme/p1', 0);
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    // The token's last value is the one with the highest revision.
    const lastToken = results
      .map((r, i) => ({ r, i }))
      .filter(({ i }) => i % 3 !== 0)
      .sort((x, y) => (x.r.ok && y.r.ok ? x.r.value.revision - y.r.value.revision : 0))
      .at(-1);
    expect(ra.value.tokens['plan.count']).toBe(lastToken?.i);
  });

  it('[SCALE-OUT] the same expected_revision raced on two nodes: exactly one wins', async () => {
    const { nodes } = await cluster(3);
    const s = scopeOf('race');
    await nodes[0]!.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }));
    for (let round = 0; round < 5; round++) {
      const read = await nodes[round % 3]!.readCanvas(ADMIN, s);
      const revision = read.ok ? read.value.revision : -1;
      const results = await Promise.all(
        nodes.map((node, i) =>
          node.submit(
            EDITOR,
            command(
              'token.set',
              s,
              { token_id: 'plan.title', value: `n${i}r${round}` },
              { expected_revision: revision },
            ),
          ),
        ),
      );
      expect(results.map(statusOf).sort()).toEqual(['committed', 'conflict', 'conflict']);
    }
  });

  it('[SCALE-OUT] one command_id sent to two nodes at once commits once; the other answer is its duplicate', async () => {
    const { nodes, log } = await cluster(2);
    const s = scopeOf('dup');
    await nodes[0]!.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }));
    for (let i = 0; i < 10; i++) {
      const body = command('token.set', s, { token_id: 'plan.title', value: `v${i}` });
      const [x, y] = await Promise.all(nodes.map((node) => node.submit(EDITOR, body)));
      expect([statusOf(x!), statusOf(y!)].sort()).toEqual(['committed', 'duplicate']);
      expect(x!.ok && y!.ok && x!.value.cursor === y!.value.cursor).toBe(true);
    }
    const tokenEvents = (await log.backing.read('acme/p1', 0)).filter((e) => e.type === 'token_patch');
    expect(tokenEvents).toHaveLength(10);
  });

  it('[SCALE-OUT] one canvas created on two nodes at once: one commit, one conflict', async () => {
    const { nodes } = await cluster(2);
    for (let i = 0; i < 5; i++) {
      const s = scopeOf(`twin-${i}`);
      const results = await Promise.all(
        nodes.map((node) => node.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }))),
      );
      expect(results.map(statusOf).sort()).toEqual(['committed', 'conflict']);
    }
  });

  it('[SCALE-OUT] a lens policy stored on one node governs commands and reads on the others', async () => {
    const { nodes } = await cluster(2);
    const [a, b] = nodes as [GatewayCore, GatewayCore];
    const s = scopeOf('lens');
    await a.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }));
    // Node b caches the default policy first: it gives a planner nothing.
    expect((await b.lensView(PLANNER, 'acme/p1')).canWriteToken('plan.title')).toBe(false);
    const changed: string[] = [];
    b.onLensChanged((p) => changed.push(p));
    expect((await a.putLensPolicy(ADMIN, 'p1', SECTION_6_POLICY)).ok).toBe(true);
    expect(changed).toEqual(['acme/p1']);
    const view = await b.lensView(PLANNER, 'acme/p1');
    expect(view.canWriteToken('plan.title')).toBe(true);
    expect(view.canReadToken('style.accent')).toBe(false);
    const write = await b.submit(PLANNER, command('token.set', s, { token_id: 'plan.title', value: 'ok' }));
    expect(statusOf(write)).toBe('committed');
  });

  it('[CONTRACT 4] durable events without a command (job_completed) interleave with commands from other nodes, gap-free', async () => {
    const { nodes, log } = await cluster(2);
    const [a, b] = nodes as [GatewayCore, GatewayCore];
    const s = scopeOf('jobs');
    await a.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }));
    const actor = { id: 'job-runner', kind: 'service' as const };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? b.appendEvents(s, actor, [{ type: 'job_completed', payload: { job_id: `j${i}`, status: 'succeeded' } }])
          : a.submit(EDITOR, command('token.set', s, { token_id: 'plan.count', value: i })),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const stored = await log.backing.read('acme/p1', 0);
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(stored.filter((e) => e.type === 'job_completed')).toHaveLength(10);
    const read = await b.readCanvas(ADMIN, s);
    expect(read.ok && read.value.revision).toBe(10);
  });

  it('[SCALE-OUT] property: random commands on random nodes leave every node with the same canvas as a fresh rebuild', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(2), stepArb), { minLength: 1, maxLength: 14 }),
        fc.boolean(),
        async (steps, concurrent) => {
          const { nodes, log } = await cluster(3);
          n += 1;
          const s = scopeOf(`prop-${n}`);
          expect((await nodes[0]!.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }))).ok).toBe(true);
          if (concurrent) await Promise.all(steps.map(([node, step]) => runStep(nodes[node]!, s, step)));
          else for (const [node, step] of steps) await runStep(nodes[node]!, s, step);
          const seen = await Promise.all(nodes.map((node) => observe(node, s)));
          const fresh = await GatewayCore.open({ spine: log.node(), bus: new MemoryBus() });
          const rebuilt = await observe(fresh, s);
          await fresh.close();
          for (const view of seen) expect(view).toEqual(rebuilt);
          await Promise.all(nodes.map((c) => c.close()));
          cores = [];
        },
      ),
      { numRuns: Number(process.env.EASEL_PROP_RUNS ?? 25) },
    );
  });
});
