import type { JsonValue } from '@easel/schemas';
import * as Y from 'yjs';
import { deleteDeepContent } from './deepContent.ts';
import { replaceYText } from './replaceYText.ts';
import { readValue } from './yJson.ts';

/**
 * A small document model that `state.ops` runs against twice: first over an overlay that
 * records changes without touching the Y.Doc (validation), then over the Y.Doc itself. Both
 * implement the same nodes, so an op list that validated applies the same way.
 */
export type Val = null | boolean | number | string | MapNode | ListNode | TextNode | Opaque;

export interface MapNode {
  readonly kind: 'map';
  has(key: string): boolean;
  get(key: string): Val | undefined;
  set(key: string, value: JsonValue): void;
  delete(key: string): void;
}

export interface ListNode {
  readonly kind: 'list';
  length(): number;
  get(index: number): Val;
  insert(index: number, values: readonly JsonValue[]): void;
  delete(index: number, count: number): void;
  move(from: number, to: number): void;
  /**
   * The element at `index` of this root list (elements are 1 level below the root) holds content
   * nested deeper than reads show (`readValue`), which a move (a copy) cannot write. Elements
   * added by earlier ops never do; an element that came from the doc is measured as it is there.
   */
  holdsOverDeep(index: number): boolean;
}

export interface TextNode {
  readonly kind: 'text';
  length(): number;
  insert(index: number, text: string): void;
  delete(index: number, count: number): void;
}

/** A value ops cannot look into (xml nodes, plain objects stored as one value). */
export interface Opaque {
  readonly kind: 'opaque';
}

const OPAQUE: Opaque = { kind: 'opaque' };

/**
 * Object keys inside one root whose string values are collaborative text (the manifest's
 * `text_fields` of that root); empty for roots that declare none.
 */
export type TextKeys = ReadonlySet<string>;

/** No text fields (a root without a `text_fields` declaration). */
export const NO_TEXT_KEYS: TextKeys = new Set();

/**
 * JSON → Yjs value: objects become Y.Map, arrays Y.Array, recursively; a string under a key in
 * `textKeys` (of any object at any depth) becomes a Y.Text holding it.
 */
export function toY(value: JsonValue, textKeys: TextKeys = NO_TEXT_KEYS): unknown {
  if (Array.isArray(value)) {
    const arr = new Y.Array<unknown>();
    arr.insert(
      0,
      value.map((v) => toY(v, textKeys)),
    );
    return arr;
  }
  if (value !== null && typeof value === 'object') {
    const map = new Y.Map<unknown>();
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      map.set(k, textKeys.has(k) && typeof v === 'string' ? new Y.Text(v) : toY(v as JsonValue, textKeys));
    }
    return map;
  }
  return value;
}

function primitive(v: unknown): Val {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  return OPAQUE;
}

// ---- live nodes (mutate the Y.Doc) ----

/**
 * Collects the items of deep values live nodes emptied before deleting them (children first; see
 * `deleteDeepContent`), for the update's delete set to list them in that order.
 */
export type DeepDeleteSink = Y.Item[];

/** Before a live node deletes or overwrites `value`: empties it bottom up when it is deep. */
function beforeRemoving(value: unknown, sink: DeepDeleteSink | undefined): void {
  const items = deleteDeepContent(value);
  if (items !== null && sink !== undefined) for (const item of items) sink.push(item);
}

/** A live node over a value inside a root (its maps' keys in `textKeys` hold text). */
export function liveNode(v: unknown, textKeys: TextKeys = NO_TEXT_KEYS, sink?: DeepDeleteSink): Val {
  if (v instanceof Y.Map) return liveMap(v as Y.Map<unknown>, textKeys, true, sink);
  if (v instanceof Y.Array) return liveList(v as Y.Array<unknown>, textKeys, sink);
  if (v instanceof Y.Text) return liveText(v);
  return primitive(v);
}

/**
 * A live map. `nested`: it sits inside a root (not the root itself), so setting one of `textKeys`
 * to a string writes text: into the Y.Text already there (same object, content replaced), else
 * into a new Y.Text.
 */
export function liveMap(
  map: Y.Map<unknown>,
  textKeys: TextKeys = NO_TEXT_KEYS,
  nested = false,
  sink?: DeepDeleteSink,
): MapNode {
  return {
    kind: 'map',
    has: (k) => map.has(k),
    get: (k) => (map.has(k) ? liveNode(map.get(k), textKeys, sink) : undefined),
    set: (k, v) => {
      const current = map.get(k);
      if (nested && textKeys.has(k) && typeof v === 'string') {
        if (current instanceof Y.Text) replaceYText(current, v);
        else {
          beforeRemoving(current, sink);
          map.set(k, new Y.Text(v));
        }
        return;
      }
      beforeRemoving(current, sink);
      map.set(k, toY(v, textKeys));
    },
    delete: (k) => {
      beforeRemoving(map.get(k), sink);
      map.delete(k);
    },
  };
}

export function liveList(arr: Y.Array<unknown>, textKeys: TextKeys = NO_TEXT_KEYS, sink?: DeepDeleteSink): ListNode {
  return {
    kind: 'list',
    length: () => arr.length,
    get: (i) => liveNode(arr.get(i), textKeys, sink),
    insert: (i, vs) =>
      arr.insert(
        i,
        vs.map((v) => toY(v, textKeys)),
      ),
    delete: (i, n) => {
      for (let j = i; j < i + n; j++) beforeRemoving(arr.get(j), sink);
      arr.delete(i, n);
    },
    move: (from, to) => {
      const v = arr.get(from);
      const copy = v instanceof Y.AbstractType ? (v as Y.AbstractType<unknown>).clone() : v;
      arr.delete(from, 1);
      arr.insert(to, [copy]);
    },
    holdsOverDeep: (i) => readValue(arr.get(i), 1).overDeep,
  };
}

export function liveText(text: Y.Text): TextNode {
  return {
    kind: 'text',
    length: () => text.length,
    insert: (i, s) => text.insert(i, s),
    delete: (i, n) => text.delete(i, n),
  };
}

// ---- overlay nodes (record changes, read through to the Y.Doc) ----

const DELETED = Symbol('deleted');

function fromJson(v: JsonValue, textKeys: TextKeys): Val {
  if (Array.isArray(v))
    return overlayListOf(
      v.map((x) => fromJson(x, textKeys)),
      textKeys,
    );
  if (v !== null && typeof v === 'object') {
    const entries = new Map<string, Val>();
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      entries.set(
        k,
        textKeys.has(k) && typeof x === 'string' ? overlayText(x.length) : fromJson(x as JsonValue, textKeys),
      );
    }
    return overlayMap(null, entries, textKeys, true);
  }
  return v;
}

/** An overlay node over a value inside a root (see {@link liveNode}). */
export function overlayNode(v: unknown, textKeys: TextKeys = NO_TEXT_KEYS): Val {
  if (v instanceof Y.Map) return overlayMap(v as Y.Map<unknown>, new Map(), textKeys, true);
  if (v instanceof Y.Array) return overlayListOfY(v as Y.Array<unknown>, textKeys);
  if (v instanceof Y.Text) return overlayText(v.length);
  return primitive(v);
}

/** An overlay over the elements of a Y.Array (see {@link overlayListOf}). */
export function overlayListOfY(arr: Y.Array<unknown>, textKeys: TextKeys = NO_TEXT_KEYS): ListNode {
  const values = arr.toArray();
  return overlayListOf(
    values.map((x) => overlayNode(x, textKeys)),
    textKeys,
    values,
  );
}

/**
 * An overlay over a Y.Map (or a new map when `base` is null); `textKeys` and `nested` as in
 * {@link liveMap}, so the overlay holds text nodes where the live doc will hold Y.Text.
 */
export function overlayMap(
  base: Y.Map<unknown> | null,
  initial: Map<string, Val>,
  textKeys: TextKeys = NO_TEXT_KEYS,
  nested = false,
): MapNode {
  const overrides = new Map<string, Val | typeof DELETED>(initial);
  return {
    kind: 'map',
    has: (k) => {
      const o = overrides.get(k);
      if (o !== undefined) return o !== DELETED;
      return base?.has(k) === true;
    },
    get: (k) => {
      const o = overrides.get(k);
      if (o !== undefined) return o === DELETED ? undefined : o;
      if (base === null || !base.has(k)) return undefined;
      const node = overlayNode(base.get(k), textKeys);
      overrides.set(k, node); // later ops see changes made inside it
      return node;
    },
    set: (k, v) => {
      overrides.set(
        k,
        nested && textKeys.has(k) && typeof v === 'string' ? overlayText(v.length) : fromJson(v, textKeys),
      );
    },
    delete: (k) => {
      overrides.set(k, DELETED);
    },
  };
}

/**
 * An overlay list over `items`; `sources`: the doc values they stand for (same order; `undefined`
 * for new values), which {@link ListNode.holdsOverDeep} measures. Default: all new.
 */
export function overlayListOf(
  items: Val[],
  textKeys: TextKeys = NO_TEXT_KEYS,
  sources: unknown[] = items.map(() => undefined),
): ListNode {
  return {
    kind: 'list',
    length: () => items.length,
    get: (i) => items[i] as Val,
    insert: (i, vs) => {
      items.splice(i, 0, ...vs.map((v) => fromJson(v, textKeys)));
      sources.splice(i, 0, ...vs.map(() => undefined));
    },
    delete: (i, n) => {
      items.splice(i, n);
      sources.splice(i, n);
    },
    move: (from, to) => {
      const [v] = items.splice(from, 1);
      items.splice(to, 0, v as Val);
      const [source] = sources.splice(from, 1);
      sources.splice(to, 0, source);
    },
    holdsOverDeep: (i) => sources[i] !== undefined && readValue(sources[i], 1).overDeep,
  };
}

export function overlayText(initialLength: number): TextNode {
  let length = initialLength;
  return {
    kind: 'text',
    length: () => length,
    insert: (_i, s) => {
      length += s.length;
    },
    delete: (_i, n) => {
      length -= n;
    },
  };
}
