import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEEP_CANVAS_MANIFEST, deepChainUpdates } from '../testing/deepChainUpdates.ts';
import { applyStateOps } from './applyStateOps.ts';
import { CanvasDoc } from './CanvasDoc.ts';
import { fullState } from './fullState.ts';
import { DEEP_CONTENT_MARKER, MAX_READ_DEPTH } from './yJson.ts';

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
