import type { StateOp } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEEP_CANVAS_MANIFEST, deepBlockUpdate, deepChainUpdates } from '../testing/deepChainUpdates.ts';
import { applyStateOps } from './applyStateOps.ts';
import { CanvasDoc } from './CanvasDoc.ts';
import { deletesInOrder } from './deepContent.ts';
import { fullState } from './fullState.ts';
import { planRevert } from './planRevert.ts';
import { DEEP_CONTENT_MARKER, MAX_READ_DEPTH, readValue } from './yJson.ts';

const MANIFEST = DEEP_CANVAS_MANIFEST;

/** The two 3000-level raw updates of the attack (`notes.deep`, each map's `c` the next one). */
const attack = (): Uint8Array[] => deepChainUpdates(new Y.Doc(), 3000, 2);

/** A canvas that took the attack before raw updates were capped (applied without the check). */
function legacyCanvas(): { canvas: CanvasDoc; updates: Uint8Array[] } {
  const canvas = CanvasDoc.create('t/p', 'c', MANIFEST, '', 'epoch0001');
  const updates = attack();
  for (const u of updates) expect(canvas.applyUpdate(u)).not.toBeNull();
  canvas.doc.getMap('notes').set('ok', 1);
  return { canvas, updates };
}

describe('canvases holding content nested deeper than reads and Yjs recursion allow', () => {
  it('[CONTRACT 3] reads show the content down to the limit, then a marker, and serialize', () => {
    const { canvas } = legacyCanvas();
    const notes = canvas.rootJson('notes') as Record<string, unknown>;
    expect(notes.ok).toBe(1);
    let at = notes.deep as Record<string, unknown>;
    for (let level = 2; level <= MAX_READ_DEPTH; level++) at = at.c as Record<string, unknown>;
    expect(at.c).toBe(DEEP_CONTENT_MARKER);
    const state = fullState(canvas.doc, MANIFEST.roots);
    expect(JSON.parse(JSON.stringify(state)).notes.ok).toBe(1);
  });

  it('[CONTRACT 3] a state.ops delete of the deep key applies, and its update replays on a fresh load', () => {
    const { canvas, updates } = legacyCanvas();
    const r = applyStateOps(canvas, () => true, [{ op: 'delete', root: 'notes', key: 'deep' }]);
    expect(r).toMatchObject({ ok: true, value: { roots: ['notes'] } });
    if (!r.ok) return;
    expect(canvas.rootJson('notes')).toEqual({ ok: 1 });

    // Replay: the attack, then the delete's update (as a reload from the event log does).
    const replayed = CanvasDoc.create('t/p', 'c', MANIFEST, '', 'epoch0001');
    for (const u of updates) expect(replayed.applyUpdate(u)).not.toBeNull();
    expect(replayed.applyUpdate(r.value.update)).not.toBeNull();
    expect(replayed.rootJson('notes')).toEqual({});

    // A snapshot after the delete loads.
    const loaded = CanvasDoc.fromSnapshot('t/p', 'c', canvas.snapshot(), 'epoch0001');
    expect(loaded.rootJson('notes')).toEqual({ ok: 1 });
    // A later update of the same canvas still applies to both.
    const next = applyStateOps(canvas, () => true, [{ op: 'insert', root: 'notes', key: 'after', value: 2 }]);
    expect(next.ok).toBe(true);
    if (next.ok) expect(loaded.applyUpdate(next.value.update)).not.toBeNull();
    expect(loaded.rootJson('notes')).toEqual({ ok: 1, after: 2 });
  });

  it('[CONTRACT 3] replacing a deep array element (state.ops update) applies and replays', () => {
    const src = new Y.Doc();
    src.transact(() => {
      let cur = new Y.Map<unknown>();
      src.getArray('blocks').push([cur]);
      for (let i = 0; i < 4000; i++) {
        const next = new Y.Map<unknown>();
        cur.set('c', next);
        cur = next;
      }
    });
    const attackUpdate = Y.encodeStateAsUpdate(src);
    const canvas = CanvasDoc.create('t/p', 'c', MANIFEST, '', 'epoch0001');
    expect(canvas.applyUpdate(attackUpdate)).not.toBeNull();
    const r = applyStateOps(canvas, () => true, [{ op: 'update', root: 'blocks', index: 0, value: { id: 'b' } }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(canvas.rootJson('blocks')).toEqual([{ id: 'b' }]);
    const replayed = CanvasDoc.create('t/p', 'c', MANIFEST, '', 'epoch0001');
    expect(replayed.applyUpdate(attackUpdate)).not.toBeNull();
    expect(replayed.applyUpdate(r.value.update)).not.toBeNull();
    expect(replayed.rootJson('blocks')).toEqual([{ id: 'b' }]);
  });
});

/** Restores `state` (a revision's Yjs state) the way `canvas.revert` does; null when refused. */
function revertTo(canvas: CanvasDoc, state: Uint8Array | null): Uint8Array | null {
  const plan = planRevert(canvas, state, {});
  if (plan.overDeep !== null) return null;
  let deep: Y.Item[] = [];
  const captured = canvas.transactCapturing(() => {
    deep = plan.apply();
  });
  expect(captured).not.toBeNull();
  return deep.length > 0 ? deletesInOrder(captured!, deep) : captured;
}

describe('moving and restoring content nested deeper than the cap (only older canvases hold it)', () => {
  it('[CONTRACT 3] readValue marks what reads cut: types and plain values past 64 levels below the root', () => {
    const canvas = CanvasDoc.create('t/p', 'c', MANIFEST, '', 'epoch0001');
    expect(
      canvas.applyUpdate(deepBlockUpdate(new Y.Doc(), MAX_READ_DEPTH - 1, { extra: [{ id: 'a' }] })),
    ).not.toBeNull();
    expect(readValue(canvas.doc.getArray('blocks').get(0), 1).overDeep).toBe(false); // 64 levels: shown
    expect(readValue(canvas.doc.getArray('blocks').get(0), 2).overDeep).toBe(true);
    let plain: unknown = 1;
    for (let i = 0; i < MAX_READ_DEPTH; i++) plain = { c: plain };
    expect(readValue(plain, 1)).toEqual({ json: plain, overDeep: false });
    expect(readValue({ c: plain }, 1).overDeep).toBe(true);
    expect(readValue('x', 1)).toEqual({ json: 'x', overDeep: false });
  });

  it('[CONTRACT 3] a state.ops move of an over-deep array element is a 400 naming it, and nothing is applied', () => {
    const canvas = CanvasDoc.create('t/p', 'c', MANIFEST, '', 'epoch0001');
    expect(canvas.applyUpdate(deepBlockUpdate(new Y.Doc(), 3000, { extra: [{ id: 'a' }] }))).not.toBeNull();
    const before = Y.encodeStateAsUpdate(canvas.doc);
    // Also when an earlier op of the list shifted it (the overlay follows the element).
    const lists: Array<{ ops: StateOp[]; at: number; from: number }> = [
      { ops: [{ op: 'move', root: 'blocks', from: 0, to: 1 }], at: 0, from: 0 },
      {
        ops: [
          { op: 'insert', root: 'blocks', index: 0, value: { id: 'n' } },
          { op: 'move', root: 'blocks', from: 1, to: 2 },
        ],
        at: 1,
        from: 1,
      },
    ];
    for (const { ops, at, from } of lists) {
      const r = applyStateOps(canvas, () => true, ops);
      expect(r).toEqual({
        ok: false,
        error: {
          code: 'validation_failed',
          message: `ops[${at}]: blocks[${from}] is nested deeper than 64 levels; delete it with state.ops delete instead of moving it`,
          details: { root: 'blocks', index: from, max_depth: 64 },
        },
      });
      expect(Buffer.from(Y.encodeStateAsUpdate(canvas.doc)).equals(Buffer.from(before))).toBe(true);
    }
    // The shallow element moves (the deep one is not copied); a later delete of the deep one works.
    const moved = applyStateOps(canvas, () => true, [{ op: 'move', root: 'blocks', from: 1, to: 0 }]);
    expect(moved.ok).toBe(true);
    const deleted = applyStateOps(canvas, () => true, [{ op: 'delete', root: 'blocks', index: 1 }]);
    expect(deleted.ok).toBe(true);
    expect(canvas.rootJson('blocks')).toEqual([{ id: 'a' }]);
  });

  it('[CONTRACT 5] planRevert refuses a target holding changed over-deep content, and keeps unchanged over-deep content', () => {
    const { canvas } = legacyCanvas(); // notes: {deep: 6000 levels, ok: 1}
    const deepState = Y.encodeStateAsUpdate(canvas.doc);
    // The deep key was deleted since: restoring it would copy it.
    expect(applyStateOps(canvas, () => true, [{ op: 'delete', root: 'notes', key: 'deep' }]).ok).toBe(true);
    const plan = planRevert(canvas, deepState, {});
    expect(plan.overDeep).toEqual({ root: 'notes', key: 'deep' });
    expect(plan.roots).toEqual(['notes']);

    // Unchanged over-deep content (reads the same on both sides) is kept; the rest is restored.
    const { canvas: other } = legacyCanvas();
    const state = Y.encodeStateAsUpdate(other.doc);
    other.doc.getMap('notes').set('later', 2);
    const update = revertTo(other, state);
    expect(update).not.toBeNull();
    const notes = other.rootJson('notes') as Record<string, unknown>;
    expect(Object.keys(notes).sort()).toEqual(['deep', 'ok']);
  });

  it('[CONTRACT 5] reverting from over-deep content to a state without it applies, and the update replays', () => {
    const { canvas } = legacyCanvas();
    expect(canvas.applyUpdate(deepBlockUpdate(new Y.Doc(), 3000, { extra: [{ id: 'a' }] }))).not.toBeNull();
    const base = Y.encodeStateAsUpdate(canvas.doc);
    const update = revertTo(canvas, null);
    expect(update).not.toBeNull();
    expect(canvas.rootJson('notes')).toEqual({});
    expect(canvas.rootJson('blocks')).toEqual([]);
    // Replay (a reload): the state before, then the revert's update.
    const replayed = CanvasDoc.create('t/p', 'c', MANIFEST, '', 'epoch0001');
    expect(replayed.applyUpdate(base)).not.toBeNull();
    expect(replayed.applyUpdate(update!)).not.toBeNull();
    expect(replayed.rootJson('notes')).toEqual({});
    expect(replayed.rootJson('blocks')).toEqual([]);
  });
});
