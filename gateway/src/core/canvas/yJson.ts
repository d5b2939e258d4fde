import * as Y from 'yjs';
import { MAX_JSON_DEPTH } from '../json/jsonShapeProblem.ts';
import { deepTypesPostOrder } from './deepContent.ts';

/** Levels below a root that reads show (raw updates may not nest deeper: `MAX_STATE_DEPTH`). */
export const MAX_READ_DEPTH = MAX_JSON_DEPTH;

/**
 * What a read shows in place of content nested deeper than {@link MAX_READ_DEPTH} levels below its
 * root (only canvases written before raw updates were capped can hold such content).
 */
export const DEEP_CONTENT_MARKER = `[easel: nested deeper than ${MAX_READ_DEPTH} levels; not shown]`;

type AnyType = Y.AbstractType<unknown>;

/** Arrays and objects of a read's result, written by index or key. */
type Slot = Record<string | number, unknown>;

/** A nested type still to read: its JSON goes to `into[key]`. */
interface Task {
  readonly type: AnyType;
  readonly level: number;
  readonly into: Slot;
  readonly key: string | number;
}

/**
 * The JSON of a Yjs type, as `type.toJSON()` (maps as objects, arrays as arrays, text and xml as
 * strings), without recursion: a type or a plain value nested deeper than `maxLevels` below `type`
 * (level 0) reads as {@link DEEP_CONTENT_MARKER}, so neither this nor a later `JSON.stringify`
 * overflows the stack (Yjs's own `toJSON` does past a few thousand levels, which made every read
 * of such a canvas fail). Map keys `__proto__` are left out, as Yjs's assignment drops them.
 * Identical to `toJSON()` for content within the limit; plain values are shared, not copied.
 */
export function yJson(type: AnyType, maxLevels: number = MAX_READ_DEPTH): unknown {
  return readJson(type, maxLevels, false).json;
}

/** What a read of a root shows for one value in it, and whether the read cut it. */
export interface ValueRead {
  /** The JSON (see {@link yJson}): plain values as they are, content past the limit as the marker. */
  readonly json: unknown;
  /**
   * The value holds content nested deeper than {@link MAX_READ_DEPTH} levels below its root
   * (types and plain arrays and objects counted together, as `state.update`'s cap counts them),
   * which reads show as {@link DEEP_CONTENT_MARKER}; so do xml types whose nesting exceeds it.
   * Such content can no longer be written (cloned, moved, restored).
   */
  readonly overDeep: boolean;
}

/**
 * The JSON a read of its root shows for `value` (a Y type or a plain value) sitting `level`
 * levels below the root (1: a root's own key or element), and whether that read cut it
 * ({@link ValueRead.overDeep}). Iterative, as {@link yJson}; bounded by the size of `value`.
 */
export function readValue(value: unknown, level: number): ValueRead {
  const levels = MAX_READ_DEPTH - level;
  if (value instanceof Y.AbstractType) {
    const r = readJson(value as AnyType, levels, true);
    return { json: r.json, overDeep: r.cut };
  }
  if (value === null || typeof value !== 'object') return { json: value, overDeep: false };
  const json = plainWithin(value, levels + 1);
  return { json, overDeep: json !== value };
}

function readJson(type: AnyType, maxLevels: number, measureXml: boolean): { json: unknown; cut: boolean } {
  const result: Slot = {};
  let cut = false;
  const stack: Task[] = [{ type, level: 0, into: result, key: 'json' }];
  // `c`, an element or entry of a type at `level`, goes to `into[key]`: a nested type as a task,
  // a plain value as it is, or cut past the limit.
  const place = (into: Slot, key: string | number, c: unknown, level: number): void => {
    if (c instanceof Y.AbstractType) {
      into[key] = null;
      stack.push({ type: c as AnyType, level: level + 1, into, key });
      return;
    }
    const shown = plainWithin(c, maxLevels - level);
    if (shown !== c) cut = true;
    into[key] = shown;
  };
  // Bounded by the number of types under `type`: each is pushed once (a type has one parent).
  while (stack.length > 0) {
    const task = stack.pop()!;
    const { level, into, key } = task;
    if (level > maxLevels) {
      into[key] = DEEP_CONTENT_MARKER;
      cut = true;
      continue;
    }
    const t = task.type;
    if (t instanceof Y.Array) {
      const arr: unknown[] = [];
      into[key] = arr;
      for (let item = t._start; item !== null; item = item.right) {
        if (!item.countable || item.deleted) continue;
        for (const c of item.content.getContent()) place(arr as unknown as Slot, arr.length, c, level);
      }
    } else if (t instanceof Y.Map) {
      const obj: Slot = {};
      into[key] = obj;
      for (const [k, item] of t._map) {
        if (item.deleted || k === '__proto__') continue;
        place(obj, k, item.content.getContent()[item.length - 1], level);
      }
    } else {
      // Text (iterative in Yjs) and xml (recursive: a deep tree overflows). Reads show xml
      // whole as long as Yjs can serialize it; measuring counts its nested types.
      try {
        into[key] = t.toJSON();
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        into[key] = DEEP_CONTENT_MARKER;
        cut = true;
      }
      if (measureXml && !cut && deepTypesPostOrder(t, maxLevels - level) !== null) cut = true;
    }
  }
  return { json: result.json, cut };
}

/** `value` when its arrays and objects nest at most `levels` levels (itself: 1), else a cut copy. */
function plainWithin(value: unknown, levels: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  return nestsWithin(value, levels) ? value : cutCopy(value, levels);
}

function isContainer(v: unknown): v is object {
  return v !== null && typeof v === 'object' && !ArrayBuffer.isView(v);
}

function nestsWithin(value: object, levels: number): boolean {
  const nodes: object[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (depth > levels) return false;
    for (const child of Object.values(node)) {
      if (isContainer(child)) {
        nodes.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}

/** A copy of `value` with arrays and objects past `levels` levels replaced by the marker. */
function cutCopy(value: object, levels: number): unknown {
  if (levels < 1) return DEEP_CONTENT_MARKER;
  const root: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  const stack: Array<[object, Record<string, unknown> | unknown[], number]> = [[value, root, 1]];
  while (stack.length > 0) {
    const [from, to, depth] = stack.pop()!;
    for (const [k, child] of Object.entries(from)) {
      let copy: unknown = child;
      if (isContainer(child)) {
        if (depth + 1 > levels) copy = DEEP_CONTENT_MARKER;
        else {
          const next: Record<string, unknown> | unknown[] = Array.isArray(child) ? [] : {};
          stack.push([child, next, depth + 1]);
          copy = next;
        }
      }
      if (Array.isArray(to)) to.push(copy);
      else to[k] = copy;
    }
  }
  return root;
}
