import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import * as Y from 'yjs';
import { GatewayCore } from './GatewayCore.ts';
import { buildEnvelope } from './commands/buildEnvelope.ts';
import { BOARD_CANVAS_TYPE } from './canvasTypes/builtinCanvasTypes.ts';
import { ADMIN, cid, command, harnessPerTest, scopeOf, yUpdate } from './testing/coreHarness.ts';
import type { Scope } from '@easel/schemas';

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }), {
  limits: { snapshotEvery: 3 },
});

/** What must survive a rebuild: the materialized state, revision, cursor and history. */
async function observe(core: GatewayCore, s: Scope) {
  const read = await core.readCanvas(ADMIN, s);
  const revisions = await core.listRevisions(ADMIN, s);
  if (!read.ok || !revisions.ok) throw new Error('read failed');
  const view = await core.lensView(ADMIN, 'acme/p1');
  const ready = await core.canvasReady(ADMIN, s, view, { snapshot: true, reset: false });
  if (!ready.ok) throw new Error('ready failed');
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(Buffer.from(ready.value.payload.snapshot!.update!, 'base64')));
  return {
    read: read.value,
    revisions: revisions.value,
    seq: ready.value.seq,
    fromSnapshot: { notes: doc.getMap('notes').toJSON(), layout: doc.getMap('layout').toJSON() },
  };
}

type Step =
  | { kind: 'token'; token: number; value: number }
  | { kind: 'untoken'; token: number }
  | { kind: 'ops'; root: 'notes' | 'layout'; key: number; value: number; action: number }
  | { kind: 'update'; key: number; nested: boolean; del: boolean }
  | { kind: 'commit' }
  | { kind: 'revert'; pick: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('token' as const), token: fc.nat(3), value: fc.nat(1000) }),
  fc.record({ kind: fc.constant('untoken' as const), token: fc.nat(3) }),
  fc.record({
    kind: fc.constant('ops' as const),
    root: fc.constantFrom('notes' as const, 'layout' as const),
    key: fc.nat(4),
    value: fc.nat(100),
    action: fc.nat(2),
  }),
  fc.record({ kind: fc.constant('update' as const), key: fc.nat(4), nested: fc.boolean(), del: fc.boolean() }),
  fc.constant({ kind: 'commit' as const }),
  fc.record({ kind: fc.constant('revert' as const), pick: fc.nat(10) }),
);

const TOKENS = ['plan.title', 'plan.count', 'style.accent', 'plan.status'] as const;
function tokenValue(token: number, n: number): unknown {
  switch (TOKENS[token]) {
    case 'plan.title':
      return `t${n}`;
    case 'plan.count':
      return n;
    case 'style.accent':
      return `#${(n % 4096).toString(16).padStart(3, '0')}`;
    default:
      return ['draft', 'active', 'done'][n % 3];
  }
}

async function run(core: GatewayCore, s: Scope, step: Step): Promise<void> {
  let body: unknown;
  switch (step.kind) {
    case 'token':
      body = command('token.set', s, { token_id: TOKENS[step.token], value: tokenValue(step.token, step.value) });
      break;
    case 'untoken':
      body = command('token.delete', s, { token_id: TOKENS[step.token] });
      break;
    case 'ops': {
      const key = `k${step.key}`;
      const op =
        step.action === 0
          ? { op: 'insert', root: step.root, key, value: { v: step.value, list: [step.value] } }
          : step.action === 1
            ? { op: 'update', root: step.root, key, path: ['v'], value: step.value }
            : { op: 'delete', root: step.root, key };
      body = command('state.ops', s, { ops: [op] });
      break;
    }
    case 'update': {
      const view = await core.lensView(ADMIN, 'acme/p1');
      const ready = await core.canvasReady(ADMIN, s, view, { snapshot: true, reset: false });
      if (!ready.ok) throw new Error('ready failed');
      const base = new Uint8Array(Buffer.from(ready.value.payload.snapshot!.update!, 'base64'));
      body = command('state.update', s, {
        update: yUpdate((d) => {
          const notes = d.getMap<unknown>('notes');
          const key = `u${step.key}`;
          const current = notes.get(key);
          if (step.del) notes.delete(key);
          else if (step.nested && current instanceof Y.Map) current.set('n', step.key);
          else notes.set(key, step.nested ? new Y.Map([['n', 0]]) : step.key);
        }, base),
      });
      break;
    }
    case 'commit':
      body = command('canvas.commit', s, { message: 'c' });
      break;
    case 'revert': {
      const revisions = await core.listRevisions(ADMIN, s);
      const targets = [0, ...(revisions.ok ? revisions.value.revisions.map((r) => r.revision) : [])];
      body = command('canvas.revert', s, { revision: targets[step.pick % targets.length] });
      break;
    }
  }
  const r = await core.submit(ADMIN, body);
  if (!r.ok && !['not_found', 'conflict', 'validation_failed'].includes(r.error.code)) {
    throw new Error(`${step.kind}: ${r.error.code} ${r.error.message}`);
  }
}

describe('canvas rebuild from durable events', () => {
  it('[CONTRACT 4] snapshot + tail rebuilds exactly the live canvas (property)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 18 }), async (steps) => {
        n += 1;
        const s = scopeOf(`prop-${n}`);
        const created = await h.core.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }));
        expect(created.ok).toBe(true);
        for (const step of steps) await run(h.core, s, step);
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
    expect(await h.spine.loadSnapshot('acme/p1', 'idle')).toBeNull();
    let snapshot = null;
    for (let i = 0; i < 60 && snapshot === null; i++) {
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
    for (let i = 0; i < 40 && (await h.spine.getRecord('canvas', 'acme/p1/orphan')) === null; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await h.spine.getRecord('canvas', 'acme/p1/orphan')).not.toBeNull();
    const again = await h.core.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }));
    expect(!again.ok && again.error.code).toBe('conflict');
  });
});
