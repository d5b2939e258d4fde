import { decodeCursor } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import { GatewayCore } from './GatewayCore.ts';
import { MemorySpine } from './testing/MemorySpine.ts';
import { ADMIN, command, EDITOR, harnessPerTest, openHarness, scopeOf, VIEWER } from './testing/coreHarness.ts';

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));

async function create(canvasId: string, type = 'board') {
  const r = await h.core.submit(ADMIN, command('canvas.create', scopeOf(canvasId), { canvas_type: type, title: 'T' }));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('GatewayCore command path', () => {
  it('[CONTRACT 5] canvas.create commits revision 0; a second create is 409; unknown type is 400', async () => {
    const out = await create('c1');
    expect(out.status).toBe('committed');
    expect(out.revision).toBe(0);
    expect(decodeCursor(out.cursor)).toEqual({ ok: true, value: { epoch: h.spine.epoch, seq: 1 } });
    const again = await h.core.submit(ADMIN, command('canvas.create', scopeOf('c1'), { canvas_type: 'board' }));
    expect(!again.ok && again.error.code).toBe('conflict');
    const unknown = await h.core.submit(ADMIN, command('canvas.create', scopeOf('c2'), { canvas_type: 'nope' }));
    expect(!unknown.ok && unknown.error.code).toBe('validation_failed');
    expect(!unknown.ok && unknown.error.message).toContain("'nope'");
    // The answer says which types the project has (built-ins included), so a typo is easy to fix.
    expect(!unknown.ok && unknown.error.message).toMatch(/this project has .*\bboard\b.*whiteboard/);
    expect(!unknown.ok && unknown.error.details).toMatchObject({
      canvas_type: 'nope',
      known: expect.arrayContaining(['board', 'whiteboard']),
    });
    const read = await h.core.readCanvas(ADMIN, scopeOf('c1'));
    expect(read.ok && read.value).toMatchObject({ canvas_id: 'c1', canvas_type: 'board', revision: 0, title: 'T' });
    expect(read.ok && read.value.tokens['plan.status']).toBe('draft');
    expect(read.ok && read.value.state).toEqual({ notes: {}, layout: {} });
    expect(h.events.map((e) => e.type)).toEqual(['canvas_created']);
  });

  it('[CONTRACT 5] token.set commits, publishes a token_patch with the section 4 envelope, outcome cursor = its id', async () => {
    await create('c1');
    const body = command('token.set', scopeOf('c1'), { token_id: 'plan.title', value: 'Hello' });
    const out = await h.core.submit(EDITOR, body);
    expect(out.ok && out.value.revision).toBe(1);
    const last = h.events[h.events.length - 1]!;
    expect(last.type).toBe('token_patch');
    expect(out.ok && out.value.cursor).toBe(`${h.spine.epoch}-${last.seq}`);
    const env = JSON.parse(last.envelope);
    expect(env).toMatchObject({
      v: 1,
      type: 'token_patch',
      scope: scopeOf('c1'),
      actor: { id: 'eve', kind: 'agent' },
      durable: true,
      causation_id: body.command_id,
      payload: { token_id: 'plan.title', op: 'set', value: 'Hello', revision: 1 },
    });
    expect(env.event_id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const stored = await h.spine.read('acme/p1', 0);
    expect(stored.map((e) => e.envelope)).toEqual(h.events.map((e) => e.envelope));
  });

  it('[CONTRACT 5] a wrong token value is 400, an undeclared token 400, nothing applied', async () => {
    await create('c1');
    for (const [tokenId, value] of [
      ['plan.count', 'seven'],
      ['plan.count', -1],
      ['style.accent', 'blue'],
      ['plan.status', 'loud'],
      ['plan.title', 'x'.repeat(201)],
      ['nope.token', 1],
    ] as const) {
      const r = await h.core.submit(ADMIN, command('token.set', scopeOf('c1'), { token_id: tokenId, value }));
      expect(!r.ok && r.error.code, `${tokenId}=${value}`).toBe('validation_failed');
    }
    const read = await h.core.readCanvas(ADMIN, scopeOf('c1'));
    expect(read.ok && read.value.revision).toBe(0);
    expect(h.events).toHaveLength(1);
  });

  it('[CONTRACT 5] a repeated command_id returns duplicate with the original cursor and revision, no second event', async () => {
    await create('c1');
    const body = command('token.set', scopeOf('c1'), { token_id: 'plan.title', value: 'once' });
    const first = await h.core.submit(ADMIN, body);
    const again = await h.core.submit(ADMIN, body);
    expect(first.ok && again.ok).toBe(true);
    if (!first.ok || !again.ok) return;
    expect(again.value).toEqual({ status: 'duplicate', cursor: first.value.cursor, revision: first.value.revision });
    expect(h.events.filter((e) => e.type === 'token_patch')).toHaveLength(1);
  });

  it('[CONTRACT 5] concurrent duplicates in flight: one commit, the others duplicate, one event', async () => {
    await create('c1');
    const body = command('token.set', scopeOf('c1'), { token_id: 'plan.title', value: 'race' });
    const results = await Promise.all(Array.from({ length: 6 }, () => h.core.submit(ADMIN, body)));
    const statuses = results.map((r) => (r.ok ? r.value.status : r.error.code)).sort();
    expect(statuses).toEqual(['committed', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const cursors = new Set(results.map((r) => (r.ok ? r.value.cursor : '')));
    expect(cursors.size).toBe(1);
    expect(h.events.filter((e) => e.type === 'token_patch')).toHaveLength(1);
    const read = await h.core.readCanvas(ADMIN, scopeOf('c1'));
    expect(read.ok && read.value.revision).toBe(1);
  });

  it('[CONTRACT 5] a stale expected_revision is 409 with the current revision, nothing applied', async () => {
    await create('c1');
    await h.core.submit(ADMIN, command('token.set', scopeOf('c1'), { token_id: 'plan.title', value: 'a' }));
    await h.core.submit(ADMIN, command('token.set', scopeOf('c1'), { token_id: 'plan.title', value: 'b' }));
    const stale = await h.core.submit(
      ADMIN,
      command('token.set', scopeOf('c1'), { token_id: 'plan.title', value: 'stale' }, { expected_revision: 1 }),
    );
    expect(!stale.ok && stale.error.code).toBe('conflict');
    expect(!stale.ok && stale.error.details).toMatchObject({ current_revision: 2, expected_revision: 1 });
    const fresh = await h.core.submit(
      ADMIN,
      command('token.set', scopeOf('c1'), { token_id: 'plan.title', value: 'fresh' }, { expected_revision: 2 }),
    );
    expect(fresh.ok && fresh.value.revision).toBe(3);
    const read = await h.core.readCanvas(ADMIN, scopeOf('c1'));
    expect(read.ok && read.value.tokens['plan.title']).toBe('fresh');
  });

  it('[CONTRACT 2] another tenant is 403 tenant_mismatch; a missing canvas is 404', async () => {
    await create('c1');
    const foreign = { ...ADMIN, tenantId: 'other' };
    const r = await h.core.submit(foreign, command('token.set', scopeOf('c1'), { token_id: 'plan.title', value: 'x' }));
    expect(!r.ok && r.error.code).toBe('tenant_mismatch');
    const read = await h.core.readCanvas(foreign, scopeOf('absent'));
    expect(!read.ok && read.error.code).toBe('tenant_mismatch');
    const missing = await h.core.submit(
      ADMIN,
      command('token.set', scopeOf('absent'), { token_id: 'plan.title', value: 'x' }),
    );
    expect(!missing.ok && missing.error.code).toBe('not_found');
    expect(await h.core.canvasExists(scopeOf('absent'))).toBe(false);
    expect(await h.core.canvasExists(scopeOf('c1'))).toBe(true);
  });

  it('[CONTRACT 6] without a policy a viewer reads but cannot write', async () => {
    await create('c1');
    const r = await h.core.submit(VIEWER, command('token.set', scopeOf('c1'), { token_id: 'plan.title', value: 'x' }));
    expect(!r.ok && r.error.code).toBe('forbidden');
    const read = await h.core.readCanvas(VIEWER, scopeOf('c1'));
    expect(read.ok && read.value.revision).toBe(0);
    expect(h.events).toHaveLength(1);
  });

  it('[CONTRACT 5] state.ops is atomic: a failing op applies nothing', async () => {
    await create('c1');
    const ok1 = await h.core.submit(
      ADMIN,
      command('state.ops', scopeOf('c1'), {
        ops: [{ op: 'insert', root: 'notes', key: 'a', value: { text: 'hi', tags: ['x'] } }],
      }),
    );
    expect(ok1.ok && ok1.value.revision).toBe(1);
    const bad = await h.core.submit(
      ADMIN,
      command('state.ops', scopeOf('c1'), {
        ops: [
          { op: 'insert', root: 'notes', key: 'b', value: 1 },
          { op: 'update', root: 'notes', key: 'a', path: ['text'], value: 'changed' },
          { op: 'insert', root: 'notes', key: 'a', value: 2 },
        ],
      }),
    );
    expect(!bad.ok && bad.error.code).toBe('conflict');
    expect(!bad.ok && bad.error.message).toContain('ops[2]');
    const read = await h.core.readCanvas(ADMIN, scopeOf('c1'));
    expect(read.ok && read.value.state.notes).toEqual({ a: { text: 'hi', tags: ['x'] } });
    expect(read.ok && read.value.revision).toBe(1);
    const good = await h.core.submit(
      ADMIN,
      command('state.ops', scopeOf('c1'), {
        ops: [
          { op: 'insert', root: 'notes', key: 'b', value: 1 },
          { op: 'update', root: 'notes', key: 'a', path: ['text'], value: 'changed' },
          { op: 'delete', root: 'notes', key: 'b' },
        ],
      }),
    );
    expect(good.ok && good.value.revision).toBe(2);
    const after = await h.core.readCanvas(ADMIN, scopeOf('c1'));
    expect(after.ok && after.value.state.notes).toEqual({ a: { text: 'changed', tags: ['x'] } });
  });

  it('[CONTRACT 5] commit and revert round trip, revert targets are listed', async () => {
    await create('c1');
    const s = scopeOf('c1');
    await h.core.submit(ADMIN, command('token.set', s, { token_id: 'plan.title', value: 'v1' }));
    await h.core.submit(
      ADMIN,
      command('state.ops', s, { ops: [{ op: 'insert', root: 'notes', key: 'n1', value: { t: 1 } }] }),
    );
    const commit = await h.core.submit(ADMIN, command('canvas.commit', s, { message: 'first' }));
    expect(commit.ok && commit.value.revision).toBe(2);
    const before = await h.core.readCanvas(ADMIN, s);
    await h.core.submit(ADMIN, command('token.set', s, { token_id: 'plan.title', value: 'v2' }));
    await h.core.submit(ADMIN, command('token.set', s, { token_id: 'style.accent', value: '#ff0000' }));
    await h.core.submit(
      ADMIN,
      command('state.ops', s, {
        ops: [
          { op: 'delete', root: 'notes', key: 'n1' },
          { op: 'insert', root: 'notes', key: 'n2', value: 'x' },
          { op: 'insert', root: 'layout', key: 'cols', value: [1, 2] },
        ],
      }),
    );
    const bad = await h.core.submit(ADMIN, command('canvas.revert', s, { revision: 3 }));
    expect(!bad.ok && bad.error.code).toBe('validation_failed');
    expect(!bad.ok && bad.error.details).toMatchObject({ targets: [0, 2] });
    const revert = await h.core.submit(ADMIN, command('canvas.revert', s, { revision: 2 }));
    expect(revert.ok && revert.value.revision).toBe(6);
    const after = await h.core.readCanvas(ADMIN, s);
    expect(after.ok && before.ok).toBe(true);
    if (!after.ok || !before.ok) return;
    expect(after.value.state).toEqual(before.value.state);
    expect(after.value.tokens).toEqual(before.value.tokens);
    const types = h.events.slice(-4).map((e) => e.type);
    expect(types).toEqual(['state_patch', 'token_patch', 'token_patch', 'canvas_commit']);
    const commitEvent = JSON.parse(h.events[h.events.length - 1]!.envelope);
    expect(commitEvent.payload).toMatchObject({ kind: 'revert', reverted_to: 2, revision: 6 });
    const toZero = await h.core.submit(ADMIN, command('canvas.revert', s, { revision: 0 }));
    expect(toZero.ok && toZero.value.revision).toBe(7);
    const empty = await h.core.readCanvas(ADMIN, s);
    expect(empty.ok && empty.value.state).toEqual({ notes: {}, layout: {} });
    expect(empty.ok && empty.value.tokens['plan.title']).toBe('');
    const revisions = await h.core.listRevisions(ADMIN, s);
    expect(revisions.ok && revisions.value.revisions.map((r) => [r.revision, r.kind])).toEqual([
      [2, 'commit'],
      [6, 'revert'],
      [7, 'revert'],
    ]);
    // Revert to a revert's revision works too (its state is its target's).
    const again = await h.core.submit(ADMIN, command('canvas.revert', s, { revision: 6 }));
    expect(again.ok).toBe(true);
    const restored = await h.core.readCanvas(ADMIN, s);
    expect(restored.ok && restored.value.state).toEqual(before.value.state);
  });

  it('[CONTRACT 5] batch: in order, per-item outcome or rejection, whole batch 200', async () => {
    const s = scopeOf('b1');
    const r = await h.core.submitBatch(ADMIN, {
      commands: [
        command('canvas.create', s, { canvas_type: 'whiteboard' }),
        command('token.set', s, { token_id: 'view.zoom', value: 2 }),
        command('token.set', s, { token_id: 'view.zoom', value: 99 }),
        { nonsense: true },
        command('state.ops', s, { ops: [{ op: 'insert', root: 'layers', value: 'base' }] }),
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.outcomes.map((o) => o.status)).toEqual([
      'committed',
      'committed',
      'rejected',
      'rejected',
      'committed',
    ]);
    expect(r.value.outcomes.map((o) => ('revision' in o ? o.revision : null))).toEqual([0, 1, null, null, 2]);
    const rejected = r.value.outcomes[3]!;
    expect(rejected.status === 'rejected' && rejected.error.message).toContain('commands[3]');
    const tooMany = await h.core.submitBatch(ADMIN, { commands: Array.from({ length: 501 }, () => ({})) });
    expect(!tooMany.ok && tooMany.error.code).toBe('validation_failed');
  });

  it('[CONTRACT 4] an event over the size limit is 413 with nothing applied', async () => {
    await h.core.putCanvasType(ADMIN, 'p1', 'big', {
      type: 'big',
      version: '1.0.0',
      title: 'Big',
      roots: { notes: 'map' },
      tokens: { 'doc.body': { type: 'string', max_length: 200_000 } },
    });
    await create('c1', 'big');
    const r = await h.core.submit(
      ADMIN,
      command('token.set', scopeOf('c1'), { token_id: 'doc.body', value: 'x'.repeat(70_000) }),
    );
    expect(!r.ok && r.error.code).toBe('payload_too_large');
    const ops = Array.from({ length: 40 }, (_, i) => ({
      op: 'insert',
      root: 'notes',
      key: `k${i}`,
      value: 'y'.repeat(1500),
    }));
    const big = await h.core.submit(ADMIN, command('state.ops', scopeOf('c1'), { ops }));
    expect(!big.ok && big.error.code).toBe('payload_too_large');
    const read = await h.core.readCanvas(ADMIN, scopeOf('c1'));
    expect(read.ok && read.value.revision).toBe(0);
    expect(read.ok && read.value.state.notes).toEqual({});
  });

  it('[CONTRACT 3] junk bodies always give a coded error, never a throw (property)', async () => {
    await create('c1');
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (body) => {
        const r = await h.core.submit(ADMIN, body);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(['validation_failed', 'tenant_mismatch']).toContain(r.error.code);
        const b = await h.core.submitBatch(ADMIN, body);
        expect(b.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
    // Well-shaped commands with junk payloads.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('token.set', 'token.delete', 'state.update', 'state.ops', 'canvas.commit', 'canvas.revert'),
        fc.anything(),
        async (type, payload) => {
          const r = await h.core.submit(ADMIN, command(type, scopeOf('c1'), payload));
          if (!r.ok)
            expect(['validation_failed', 'not_found', 'conflict', 'forbidden', 'payload_too_large']).toContain(
              r.error.code,
            );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('GatewayCore storage failures', () => {
  it('a failed append is 503, unloads the canvas, and nothing of it survives', async () => {
    const spine = new MemorySpine();
    const m = await openHarness(spine, new MemoryBus());
    try {
      const s = scopeOf('c1');
      await m.core.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }));
      await m.core.submit(
        ADMIN,
        command('state.ops', s, { ops: [{ op: 'insert', root: 'notes', key: 'keep', value: 1 }] }),
      );
      spine.failNextCommit();
      const failed = await m.core.submit(
        ADMIN,
        command('state.ops', s, { ops: [{ op: 'insert', root: 'notes', key: 'lost', value: 2 }] }),
      );
      expect(!failed.ok && failed.error.code).toBe('unavailable');
      const read = await m.core.readCanvas(ADMIN, s);
      expect(read.ok && read.value.state.notes).toEqual({ keep: 1 });
      expect(read.ok && read.value.revision).toBe(1);
      const retry = await m.core.submit(
        ADMIN,
        command('state.ops', s, { ops: [{ op: 'insert', root: 'notes', key: 'lost', value: 2 }] }),
      );
      expect(retry.ok && retry.value.revision).toBe(2);
      expect(m.events.map((e) => e.type)).toEqual(['canvas_created', 'state_patch', 'state_patch']);
    } finally {
      await m.close();
    }
  });

  it('[CONTRACT 5] the same command raced on two cores sharing a spine: one commit, one duplicate', async () => {
    const spine = new MemorySpine();
    const a = await openHarness(spine, new MemoryBus());
    const b = await GatewayCore.open({ spine, bus: new MemoryBus() });
    try {
      const s = scopeOf('c1');
      await a.core.submit(ADMIN, command('canvas.create', s, { canvas_type: 'board' }));
      const body = command('token.set', s, { token_id: 'plan.title', value: 'raced' });
      const [ra, rb] = await Promise.all([a.core.submit(ADMIN, body), b.submit(ADMIN, body)]);
      if (!ra.ok || !rb.ok) throw new Error('refused');
      expect([ra.value.status, rb.value.status].sort()).toEqual(['committed', 'duplicate']);
      expect(ra.value.cursor).toBe(rb.value.cursor);
      expect((await spine.read('acme/p1', 0)).filter((e) => e.type === 'token_patch')).toHaveLength(1);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
