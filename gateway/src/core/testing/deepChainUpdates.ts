import type { CanvasTypeManifest } from '@easel/schemas';
import * as Y from 'yjs';

/** The canvas type the deep-nesting tests attack: an array root and the map root `notes`. */
export const DEEP_CANVAS_MANIFEST: CanvasTypeManifest = {
  type: 'deep',
  version: '1.0.0',
  title: 'Deep',
  roots: { blocks: 'array', notes: 'map' },
  tokens: {},
  tools: [],
};

/**
 * The deep-nesting attack on a canvas: `count` raw updates, each adding `levels` nested Y.Maps to a
 * chain at `notes.deep` (each map's `c` holds the next one), made on `doc` (e.g. a client synced
 * with the server). Each update is relative to `doc`'s state before it.
 */
export function deepChainUpdates(doc: Y.Doc, levels: number, count: number): Uint8Array[] {
  let sv = Y.encodeStateVector(doc);
  let cur = new Y.Map<unknown>();
  doc.getMap('notes').set('deep', cur);
  const updates: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    // One transaction: Yjs walks every ancestor after each transaction on a nested type.
    doc.transact(() => {
      for (let i = 0; i < levels; i++) {
        const next = new Y.Map<unknown>();
        cur.set('c', next);
        cur = next;
      }
    });
    updates.push(Y.encodeStateAsUpdate(doc, sv));
    sv = Y.encodeStateVector(doc);
  }
  return updates;
}
