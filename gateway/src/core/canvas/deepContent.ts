import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/**
 * Nesting (levels of types) up to which Yjs's recursive delete and garbage collection are left
 * alone. New content is capped far lower (`MAX_STATE_DEPTH`); only canvases written before that
 * cap can hold deeper content, which overflows the stack of `ContentType.delete` / `gc` when
 * removed the usual way, and left such a canvas impossible to clean up.
 */
export const SAFE_TYPE_DEPTH = 256;

type AnyType = Y.AbstractType<unknown>;

/**
 * The types nested in `type` (itself included, last), children before their parents, when some
 * sit more than `limit` levels below it; else null. Iterative; visits each nested type once (a
 * type has one parent).
 */
export function deepTypesPostOrder(type: AnyType, limit: number = SAFE_TYPE_DEPTH): AnyType[] | null {
  const order: AnyType[] = [];
  const stack: Array<[AnyType, number, boolean]> = [[type, 0, false]];
  let deepest = 0;
  while (stack.length > 0) {
    const [t, level, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (level > deepest) deepest = level;
    stack.push([t, level, true]);
    for (const child of childTypes(t)) stack.push([child, level + 1, false]);
  }
  return deepest > limit ? order : null;
}

/** Types held directly by `t` (map values, list items), deleted ones included. */
function childTypes(t: AnyType): AnyType[] {
  const out: AnyType[] = [];
  const visit = (item: Y.Item) => {
    if (item.content instanceof Y.ContentType) out.push(item.content.type as AnyType);
  };
  for (let item = t._start; item !== null; item = item.right) visit(item);
  for (const item of t._map.values()) {
    // A map key's history (older values) hangs off its current item to the left.
    for (let at: Y.Item | null = item; at !== null; at = at.left) visit(at);
  }
  return out;
}

/**
 * Call inside a transaction before deleting (or overwriting) `value`: when it is a type nested
 * deeper than {@link SAFE_TYPE_DEPTH}, deletes its content from the bottom up, so Yjs's own delete
 * of `value` finds every nested type emptied and does not recurse. Returns the items of the
 * emptied types, children first (see {@link deletesInOrder}), or null when `value` is shallow.
 */
export function deleteDeepContent(value: unknown): Y.Item[] | null {
  if (!(value instanceof Y.AbstractType)) return null;
  const order = deepTypesPostOrder(value as AnyType);
  if (order === null) return null;
  const items: Y.Item[] = [];
  for (const t of order) {
    if (t instanceof Y.Map) {
      for (const key of [...(t as Y.Map<unknown>).keys()]) (t as Y.Map<unknown>).delete(key);
    } else if (t instanceof Y.Array || t instanceof Y.XmlFragment || t instanceof Y.Text) {
      const list = t as unknown as { length: number; delete: (index: number, length: number) => void };
      if (list.length > 0) list.delete(0, list.length);
    }
    if (t !== value && t._item !== null) items.push(t._item);
  }
  return items;
}

/**
 * A Yjs `gcFilter` that garbage-collects a deleted type nested deeper than
 * {@link SAFE_TYPE_DEPTH} from the bottom up before Yjs collects it (Yjs's collection recurses
 * once per level). Always lets Yjs collect the item (returns true), as the default filter does.
 */
export function deepSafeGcFilter(item: Y.Item): boolean {
  if (!(item.content instanceof Y.ContentType)) return true;
  const type = item.content.type as AnyType;
  const order = deepTypesPostOrder(type);
  if (order === null || type.doc === null) return true;
  const store = type.doc.store;
  for (const t of order) {
    const own = t._item;
    if (t === type || own === null || !own.deleted) continue;
    // As Yjs collects the children of a collected type (a GC struct in its place); its own
    // children are collected first, so this does not recurse.
    own.gc(store, true);
  }
  return true;
}

/**
 * `update` (a v1 update) with its delete set preceded, per client, by one range per item of
 * `first` in that order: applied by any Yjs (replay, other clients), the types of a deep value are
 * deleted children first, so no delete recurses. The ranges repeat deletes of the original set
 * (Yjs skips what is deleted). Clients keep their original order.
 */
export function deletesInOrder(update: Uint8Array, first: readonly Y.Item[]): Uint8Array {
  const { ds } = Y.decodeUpdate(update) as { ds: { clients: Map<number, DeleteRange[]> } };
  const clients = [...ds.clients.entries()].sort((a, b) => b[0] - a[0]); // as Yjs writes them
  const original = encodeDeleteSet(clients);
  const at = update.length - original.length;
  // The delete set ends the update; should its bytes differ from Yjs's encoding, keep it as is.
  if (at < 0 || !Buffer.from(update.subarray(at)).equals(Buffer.from(original))) return update;
  const extra = new Map<number, DeleteRange[]>();
  for (const item of first) {
    let list = extra.get(item.id.client);
    if (!list) {
      list = [];
      extra.set(item.id.client, list);
    }
    list.push({ clock: item.id.clock, len: item.length });
  }
  const merged = new Map(clients);
  for (const c of extra.keys()) if (!merged.has(c)) merged.set(c, []);
  const rewritten = encodeDeleteSet([...merged].map(([c, items]) => [c, [...(extra.get(c) ?? []), ...items]]));
  const out = new Uint8Array(at + rewritten.length);
  out.set(update.subarray(0, at), 0);
  out.set(rewritten, at);
  return out;
}

interface DeleteRange {
  readonly clock: number;
  readonly len: number;
}

/** A v1 delete set, clients in the given order, ranges as given (Yjs's `writeDeleteSet` format). */
function encodeDeleteSet(clients: ReadonlyArray<readonly [number, readonly DeleteRange[]]>): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, clients.length);
  for (const [client, ranges] of clients) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, ranges.length);
    for (const r of ranges) {
      encoding.writeVarUint(encoder, r.clock);
      encoding.writeVarUint(encoder, r.len);
    }
  }
  return encoding.toUint8Array(encoder);
}
