import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import { GatewayCore } from './GatewayCore.ts';
import { buildEnvelope } from './commands/buildEnvelope.ts';
import { BOARD_CANVAS_TYPE } from './canvasTypes/builtinCanvasTypes.ts';
import { observe, runStep, stepArb } from './testing/canvasSteps.ts';
import { ADMIN, cid, command, harnessPerTest, scopeOf } from './testing/coreHarness.ts';

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }), {
  limits: { snapshotEvery: 3 },
});

describe('canvas rebuild from durable events', () => {
  it('[CONTRACT 4] snapshot + tail rebuilds exactly the live canvas (property)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 18 }), async (steps) => {
        n += 1;
        const s = scopeOf(`prop-${n}`);
        const created = await h.core.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }));
        expect(created.ok).toBe(true);
        for (const step of steps) await runStep(h.core, s, step);
        const live = await observe(h.core, s);
        // A second core on the same spine loads the canvas from its snapshot and tail only.
        const other = await GatewayCore.open({ spine: h.spine, bus: new MemoryBus() });
        const rebuilt = await observe(other, s);
        await other.close();
        expect(rebuilt).toEqual(live);
        expect(live.fromSnapshot).toEqual({ notes: live.read.state.notes, layout: live.read.state.layout });
      }),
      { numRuns: 25 },
    );
  });

  it('[CONTRACT 4] restart (close + reopen the spine file) keeps state, revision and idempotency keys', async () => {
    const s = scopeOf('r1');
    await h.core.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }));
    for (let i = 0; i < 7; i++)
      await h.core.submit(ADMIN, command('token.set', s, { token_id: 'plan.count', value: i }));
    await h.core.submit(
      ADMIN,
      command('state.ops', s, { ops: [{ op: 'insert', root: 'notes', key: 'a', value: [1, 2] }] }),
    );
    await h.core.submit(ADMIN, command('canvas.commit', s, { message: 'before restart' }));
    const last = command('token.set', s, { token_id: 'plan.title', value: 'last' });
    const lastOutcome = await h.core.submit(ADMIN, last);
    const before = await observe(h.core, s);
    await h.reopen({ limits: { snapshotEvery: 3 } });
    const after = await observe(h.core, s);
    expect(after).toEqual(before);
    const dup = await h.core.submit(ADMIN, last);
    expect(dup.ok && lastOutcome.ok && dup.value).toEqual({
      ...(lastOutcome.ok ? lastOutcome.value : {}),
      status: 'duplicate',
    });
    const next = await h.core.submit(ADMIN, command('token.set', s, { token_id: 'plan.title', value: 'next' }));
    expect(next.ok && next.value.revision).toBe(before.read.revision + 1);
    const revert = await h.core.submit(
      ADMIN,
      command('canvas.revert', s, { revision: before.revisions.revisions[0]!.revision }),
    );
    expect(revert.ok).toBe(true);
    const reverted = await h.core.readCanvas(ADMIN, s);
    expect(reverted.ok && reverted.value.tokens['plan.title']).toBe('');
    expect(reverted.ok && reverted.value.state.notes).toEqual({ a: [1, 2] });
  });

  it('[CONTRACT 4] an idle canvas is unloaded with a snapshot and rebuilt on next use', async () => {
    await h.reopen({ limits: { canvasIdleMs: 100 } });
    const s = scopeOf('idle');
    await h.core.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }));
    await h.core.submit(ADMIN, command('token.set', s, { token_id: 'plan.title', value: 'idle' }));
    // (A slow first write may let the sweeper unload it between the two commands as well.)
    let snapshot = null;
    const deadline = Date.now() + 10_000; // bounded inside the test's timeout; a loaded machine sweeps late
    while (snapshot?.revision !== 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      snapshot = await h.spine.loadSnapshot('acme/p1', 'idle');
    }
    expect(snapshot?.revision).toBe(1);
    const read = await h.core.readCanvas(ADMIN, s);
    expect(read.ok && read.value.tokens['plan.title']).toBe('idle');
    const more = await h.core.submit(ADMIN, command('token.set', s, { token_id: 'plan.title', value: 'again' }));
    expect(more.ok && more.value.revision).toBe(2);
  });

  it('a canvas whose creation is durable exists even without its directory record (kill -9 between them)', async () => {
    const s = scopeOf('orphan');
    const envelope = buildEnvelope(
      'canvas_created',
      { canvas_type: 'board', title: 'o', revision: 0, manifest: BOARD_CANVAS_TYPE },
      { scope: s, actor: { id: 'ada', kind: 'human' }, durable: true, causationId: cid(), now: Date.now() },
    );
    await h.spine.append({ partition: 'acme/p1', events: [{ type: 'canvas_created', canvasId: 'orphan', envelope }] })
      .durable;
    expect(await h.spine.getRecord('canvas', 'acme/p1/orphan')).toBeNull();
    expect(await h.core.canvasExists(s)).toBe(true);
    const deadline = Date.now() + 10_000; // bounded inside the test's timeout; a loaded machine may be late
    while ((await h.spine.getRecord('canvas', 'acme/p1/orphan')) === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await h.spine.getRecord('canvas', 'acme/p1/orphan')).not.toBeNull();
    const again = await h.core.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }));
    expect(!again.ok && again.error.code).toBe('conflict');
  });
});
