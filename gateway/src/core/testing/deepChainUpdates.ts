import type { CanvasTypeManifest, Scope } from '@easel/schemas';
import * as Y from 'yjs';
import { buildEnvelope } from '../commands/buildEnvelope.ts';
import type { EventSpine } from '../spine/EventSpine.ts';

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

/**
 * The attack on the array root `blocks`: a Y.Map at `index` (default: the end) holding a chain of
 * `levels` nested Y.Maps (each map's `c` holds the next), followed by `extra` plain elements, made
 * on `doc`. The update is relative to `doc`'s state before it.
 */
export function deepBlockUpdate(
  doc: Y.Doc,
  levels: number,
  options: { index?: number; extra?: readonly unknown[] } = {},
): Uint8Array {
  const sv = Y.encodeStateVector(doc);
  const blocks = doc.getArray<unknown>('blocks');
  doc.transact(() => {
    let cur = new Y.Map<unknown>();
    blocks.insert(options.index ?? blocks.length, [cur, ...(options.extra ?? [])]);
    for (let i = 0; i < levels; i++) {
      const next = new Y.Map<unknown>();
      cur.set('c', next);
      cur = next;
    }
  });
  return Y.encodeStateAsUpdate(doc, sv);
}

/**
 * How a canvas took raw updates before the depth cap: each `[root, update]` appended to `spine` as
 * a durable `state_patch` (revisions `after + 1`, …, by `actor`), bypassing the command path that
 * now refuses them. Returns the last revision.
 */
export async function appendLegacyStatePatches(
  spine: EventSpine,
  scope: Scope,
  updates: ReadonlyArray<readonly [string, Uint8Array]>,
  after: number,
  actor = 'ann',
): Promise<number> {
  let revision = after;
  for (const [root, update] of updates) {
    revision += 1;
    const payload = { roots: [root], revision, update: Buffer.from(update).toString('base64') };
    const envelope = buildEnvelope('state_patch', payload, {
      scope,
      actor: { id: actor, kind: 'human' },
      durable: true,
      causationId: `legacy-${revision}`,
      now: Date.now(),
    });
    const partition = `${scope.tenant_id}/${scope.project_id}`;
    await spine.append({ partition, events: [{ type: 'state_patch', canvasId: scope.canvas_id!, envelope }] }).durable;
  }
  return revision;
}
