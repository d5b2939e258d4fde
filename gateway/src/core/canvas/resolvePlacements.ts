import * as Y from 'yjs';
import type { UpdateIndex } from './UpdateIndex.ts';
import type { Placement, RootResolver } from './yRoots.ts';

/** The message of an update whose items cannot be placed from it and the server doc. */
export const RESYNC = 'the update depends on items this canvas does not have; resync';

/** A resolution: the placements an item may end up in (empty = it becomes garbage), or an error. */
export type Resolution = { ok: true; placements: readonly Placement[] } | { ok: false; message: string };

const GARBAGE: Resolution = { ok: true, placements: [] };

type Ref =
  | { kind: 'done'; resolution: Resolution }
  /** An update item; `asParent`: the ref is the item's parent type (children sit inside it). */
  | { kind: 'item'; item: Y.Item; asParent: boolean };

/** What an update item's placement depends on, following Yjs's `Item.getMissing`. */
function refsOf(
  item: Y.Item,
  index: UpdateIndex,
  serverStruct: (client: number, clock: number) => Y.Item | Y.GC | null,
  resolver: RootResolver,
): Ref[] {
  const parent = item.parent as unknown;
  if (typeof parent === 'string') {
    return [
      {
        kind: 'done',
        resolution: {
          ok: true,
          placements: [{ root: parent, direct: true, sub: item.parentSub, inMap: false, depth: 0 }],
        },
      },
    ];
  }
  const lookup = (id: Y.ID, asParent: boolean): Ref => {
    const server = serverStruct(id.client, id.clock);
    if (server) {
      if (!(server instanceof Y.Item)) return { kind: 'done', resolution: GARBAGE };
      if (asParent) {
        if (!(server.content instanceof Y.ContentType)) return { kind: 'done', resolution: GARBAGE };
        const type = server.content.type as Y.AbstractType<unknown>;
        const root = resolver.rootOfType(type);
        if (root === null) return { kind: 'done', resolution: { ok: false, message: RESYNC } };
        const inMap = type instanceof Y.Map;
        const depth = resolver.depthOfType(type);
        return {
          kind: 'done',
          resolution: { ok: true, placements: [{ root, direct: false, sub: item.parentSub, inMap, depth }] },
        };
      }
      const p = resolver.placementOf(server);
      return { kind: 'done', resolution: p ? { ok: true, placements: [p] } : { ok: false, message: RESYNC } };
    }
    const own = index.find(id.client, id.clock);
    // Yjs integrates a client's structs in clock order: a same-client reference must point back.
    if (!own || (id.client === item.id.client && id.clock >= item.id.clock)) {
      return { kind: 'done', resolution: { ok: false, message: RESYNC } };
    }
    if (own instanceof Y.Skip) return { kind: 'done', resolution: { ok: false, message: RESYNC } };
    if (!(own instanceof Y.Item)) return { kind: 'done', resolution: GARBAGE };
    if (asParent && !(own.content instanceof Y.ContentType)) return { kind: 'done', resolution: GARBAGE };
    return { kind: 'item', item: own, asParent };
  };
  if (parent instanceof Y.ID) return [lookup(parent, true)];
  const refs: Ref[] = [];
  if (item.origin) refs.push(lookup(item.origin, false));
  if (item.rightOrigin) refs.push(lookup(item.rightOrigin, false));
  if (refs.length === 0) return [{ kind: 'done', resolution: GARBAGE }];
  return refs;
}

/**
 * Combines the resolutions of an item's refs into its own. `parent`: the ref is the item's parent
 * type item (from the update); the item then sits inside that type, not beside it.
 */
function combine(item: Y.Item, parts: Array<{ resolution: Resolution; parent: Y.Item | null }>): Resolution {
  const placements: Placement[] = [];
  for (const { resolution, parent } of parts) {
    if (!resolution.ok) return resolution;
    const inMap = parent !== null && parent.content instanceof Y.ContentType && parent.content.type instanceof Y.Map;
    for (const p of resolution.placements) {
      placements.push(
        parent !== null ? { root: p.root, direct: false, sub: item.parentSub, inMap, depth: p.depth + 1 } : p,
      );
    }
  }
  return { ok: true, placements };
}

/** Resolves an update item's placements without recursion (chains may be long); cycles → error. */
export function resolvePlacements(
  start: Y.Item,
  memo: Map<Y.Item, Resolution>,
  index: UpdateIndex,
  serverStruct: (client: number, clock: number) => Y.Item | Y.GC | null,
  resolver: RootResolver,
): Resolution {
  const cached = memo.get(start);
  if (cached) return cached;
  const stack: Y.Item[] = [start];
  const onStack = new Set<Y.Item>([start]);
  const refCache = new Map<Y.Item, Ref[]>();
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    let refs = refCache.get(top);
    if (!refs) {
      refs = refsOf(top, index, serverStruct, resolver);
      refCache.set(top, refs);
    }
    const pending: Y.Item[] = [];
    for (const ref of refs) if (ref.kind === 'item' && !memo.has(ref.item)) pending.push(ref.item);
    if (pending.some((item) => onStack.has(item))) {
      memo.set(top, { ok: false, message: RESYNC });
    } else if (pending.length > 0) {
      for (const item of pending) {
        if (onStack.has(item)) continue;
        stack.push(item);
        onStack.add(item);
      }
      continue;
    } else {
      memo.set(
        top,
        combine(
          top,
          refs.map((ref) =>
            ref.kind === 'done'
              ? { resolution: ref.resolution, parent: null }
              : { resolution: memo.get(ref.item)!, parent: ref.asParent ? ref.item : null },
          ),
        ),
      );
    }
    stack.pop();
    onStack.delete(top);
  }
  return memo.get(start)!;
}
