import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { RootResolver } from './yRoots.ts';

type Struct = Y.Item | Y.GC | Y.Skip;
type DeleteSet = ReturnType<typeof Y.createDeleteSet>;

/**
 * Writes structs (contiguous per client, in the given order) and a delete set as a Yjs v1 update.
 */
function encodeUpdate(sections: ReadonlyArray<readonly [number, readonly Struct[]]>, ds: DeleteSet): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  const nonEmpty = sections.filter(([, list]) => list.length > 0);
  encoding.writeVarUint(encoder.restEncoder, nonEmpty.length);
  for (const [client, list] of nonEmpty) {
    encoding.writeVarUint(encoder.restEncoder, list.length);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, list[0]!.id.clock);
    for (const s of list) s.write(encoder, 0);
  }
  const clients = [...ds.clients.entries()].sort((a, b) => b[0] - a[0]);
  encoding.writeVarUint(encoder.restEncoder, clients.length);
  for (const [client, items] of clients) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, items.length);
    for (const d of items) {
      encoder.writeDsClock(d.clock);
      encoder.writeDsLen(d.len);
    }
  }
  return encoder.toUint8Array();
}

/**
 * Where each item of a (multi-root) update lives: root → `[client, clock, length]` runs.
 * Computed on the server doc right after the update was applied (every new item is integrated
 * there). Stored with a `state_patch` so that projecting it for a partial viewer stays pure.
 */
export type RootRanges = Record<string, Array<[number, number, number]>>;

/** Attributes the items of `update` (already applied to `doc`) to their roots. */
export function attributeUpdate(doc: Y.Doc, update: Uint8Array): RootRanges {
  const resolver = new RootResolver(doc);
  const out: RootRanges = {};
  const { structs } = Y.decodeUpdate(update) as { structs: Struct[] };
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue;
    const list = doc.store.clients.get(s.id.client);
    if (!list) continue;
    // The struct may have been split or merged in the store: walk the store over its range.
    const end = s.id.clock + s.length;
    for (let i = Y.findIndexSS(list, s.id.clock); i < list.length; i++) {
      const stored = list[i]!;
      if (stored.id.clock >= end) break;
      if (!(stored instanceof Y.Item)) continue;
      const p = resolver.placementOf(stored);
      if (!p) continue;
      const from = Math.max(stored.id.clock, s.id.clock);
      const to = Math.min(stored.id.clock + stored.length, end);
      const runs = out[p.root] ?? [];
      out[p.root] = runs;
      const last = runs[runs.length - 1];
      if (last && last[0] === s.id.client && last[1] + last[2] === from) last[2] += to - from;
      else runs.push([s.id.client, from, to - from]);
    }
  }
  return out;
}

/** True when the run list covers `(client, clock)`. */
function covers(runs: ReadonlyArray<readonly [number, number, number]> | undefined, client: number, clock: number) {
  if (!runs) return false;
  for (const [c, from, len] of runs) if (c === client && clock >= from && clock < from + len) return true;
  return false;
}

/**
 * A copy of a stored `state_patch` update for a viewer who may read only some roots: items of
 * unreadable roots become GC structs of the same length (so the viewer's doc keeps contiguous
 * clocks and later updates still integrate), the delete set is kept (ids only). Leaks nothing
 * of hidden roots but the lengths and ids of their items.
 *
 * `roots`: the roots the update touches; with one root, every item is in it; with several,
 * `ranges` (from {@link attributeUpdate}) says which item is where.
 */
export function redactUpdate(
  update: Uint8Array,
  roots: readonly string[],
  ranges: RootRanges | undefined,
  canReadRoot: (root: string) => boolean,
): Uint8Array {
  const { structs, ds } = Y.decodeUpdate(update) as { structs: Struct[]; ds: DeleteSet };
  const readable = roots.filter(canReadRoot);
  const single = roots.length === 1 ? roots[0] : undefined;
  const sections: Array<[number, Struct[]]> = [];
  let current: [number, Struct[]] | undefined;
  for (const s of structs) {
    if (!current || current[0] !== s.id.client || nextClock(current[1]) !== s.id.clock) {
      current = [s.id.client, []];
      sections.push(current);
    }
    let keep = !(s instanceof Y.Item);
    if (s instanceof Y.Item) {
      if (single !== undefined) keep = readable.includes(single);
      else keep = readable.some((root) => covers(ranges?.[root], s.id.client, s.id.clock));
    }
    current[1].push(keep ? s : new Y.GC(s.id, s.length));
  }
  return encodeUpdate(sections, ds);
}

function nextClock(list: readonly Struct[]): number {
  const last = list[list.length - 1];
  return last ? last.id.clock + last.length : -1;
}

/**
 * The doc's whole state for a viewer who may read only some roots (CANVAS_READY): like
 * `Y.encodeStateAsUpdate(doc)`, with items of unreadable roots written as GC structs.
 */
export function redactedState(doc: Y.Doc, canReadRoot: (root: string) => boolean): Uint8Array {
  const resolver = new RootResolver(doc);
  const sections: Array<[number, Struct[]]> = [];
  const clients = [...doc.store.clients.entries()].sort((a, b) => b[0] - a[0]);
  for (const [client, list] of clients) {
    sections.push([
      client,
      list.map((s) => {
        if (!(s instanceof Y.Item)) return s;
        const p = resolver.placementOf(s);
        return p && canReadRoot(p.root) ? s : new Y.GC(s.id, s.length);
      }),
    ]);
  }
  return encodeUpdate(sections, Y.createDeleteSetFromStructStore(doc.store));
}
