import type { JsonValue, RootKind, StateOp, TextFields } from '@easel/schemas';
import * as Y from 'yjs';

/** Keys whose strings become Y.Text in the root being edited (the manifest's `text_fields`). */
type TextKeys = ReadonlySet<string>;

/** JSON → Yjs types as the gateway builds them: objects Y.Map, arrays Y.Array, declared text fields Y.Text. */
function jsonToY(value: JsonValue, textKeys: TextKeys, key?: string): unknown {
  if (typeof value === 'string' && key !== undefined && textKeys.has(key)) return new Y.Text(value);
  if (Array.isArray(value)) {
    const array = new Y.Array<unknown>();
    array.insert(
      0,
      value.map((item) => jsonToY(item, textKeys)),
    );
    return array;
  }
  if (value !== null && typeof value === 'object') {
    const map = new Y.Map<unknown>();
    for (const [k, item] of Object.entries(value)) map.set(k, jsonToY(item as JsonValue, textKeys, k));
    return map;
  }
  return value;
}

/**
 * Applies `state.ops` to a document the way the gateway does (WIRE-NOTES), in one transaction,
 * for the recorded gateway. Returns the first problem as a message (nothing applied then). Strings
 * under a key of `textFields[root]` inside inserted or updated objects become Y.Text, as the
 * gateway stores them (an update at such a key replaces the text; the gateway rewrites it in place).
 */
export function applyStateOps(
  doc: Y.Doc,
  roots: Readonly<Record<string, RootKind>>,
  ops: readonly StateOp[],
  textFields: TextFields = {},
): { ok: true; roots: string[] } | { ok: false; message: string } {
  const problem = check(doc, roots, ops);
  if (problem !== null) return { ok: false, message: problem };
  const touched = new Set<string>();
  doc.transact(() => {
    for (const op of ops) {
      touched.add(op.root);
      const keys: TextKeys = new Set(textFields[op.root] ?? []);
      const kind = roots[op.root]!;
      if (kind === 'map') applyMap(doc.getMap(op.root), op, keys);
      else if (kind === 'array') applyArray(doc.getArray(op.root), op, keys);
      else if (kind === 'text') applyText(doc.getText(op.root), op);
    }
  });
  return { ok: true, roots: [...touched] };
}

function check(doc: Y.Doc, roots: Readonly<Record<string, RootKind>>, ops: readonly StateOp[]): string | null {
  for (const [i, op] of ops.entries()) {
    const kind = roots[op.root];
    if (kind === undefined) return `ops[${i}].root: the canvas has no root "${op.root}"`;
    if (kind === 'xml') return `ops[${i}].root: xml roots take no ops`;
    if (kind === 'map' && op.op !== 'move') {
      const key = (op as { key?: string }).key;
      if (key === undefined) return `ops[${i}].key: required for a map root`;
      const has = doc.getMap(op.root).has(key);
      if (op.op === 'insert' && has) return `ops[${i}].key: "${key}" already exists`;
      if ((op.op === 'update' || op.op === 'delete') && !has) return `ops[${i}].key: "${key}" does not exist`;
    }
  }
  return null;
}

function setPath(target: Y.Map<unknown>, path: readonly string[], value: JsonValue, keys: TextKeys): void {
  let map = target;
  for (const key of path.slice(0, -1)) {
    const next = map.get(key);
    if (next instanceof Y.Map) map = next;
    else {
      const created = new Y.Map<unknown>();
      map.set(key, created);
      map = created;
    }
  }
  const last = path[path.length - 1]!;
  map.set(last, jsonToY(value, keys, last));
}

function applyMap(map: Y.Map<unknown>, op: StateOp, keys: TextKeys): void {
  if (op.op === 'insert') map.set(op.key!, jsonToY(op.value, keys));
  else if (op.op === 'delete') map.delete(op.key!);
  else if (op.op === 'update') {
    const current = map.get(op.key!);
    if (op.path && current instanceof Y.Map) setPath(current, op.path, op.value, keys);
    else map.set(op.key!, jsonToY(op.value, keys));
  }
}

function applyArray(array: Y.Array<unknown>, op: StateOp, keys: TextKeys): void {
  if (op.op === 'insert') array.insert(Math.min(op.index ?? array.length, array.length), [jsonToY(op.value, keys)]);
  else if (op.op === 'delete' && op.index !== undefined && op.index < array.length) {
    array.delete(op.index, Math.min(op.length ?? 1, array.length - op.index));
  } else if (op.op === 'update' && op.index !== undefined && op.index < array.length) {
    const current = array.get(op.index);
    if (op.path && current instanceof Y.Map) setPath(current, op.path, op.value, keys);
    else {
      array.delete(op.index, 1);
      array.insert(op.index, [jsonToY(op.value, keys)]);
    }
  } else if (op.op === 'move' && op.from < array.length) {
    const json = (array.toJSON() as JsonValue[])[op.from]!;
    array.delete(op.from, 1);
    array.insert(Math.min(op.to, array.length), [jsonToY(json, keys)]);
  }
}

function applyText(text: Y.Text, op: StateOp): void {
  if (op.op === 'insert' && typeof op.value === 'string')
    text.insert(Math.min(op.index ?? text.length, text.length), op.value);
  else if (op.op === 'delete' && op.index !== undefined) text.delete(op.index, op.length ?? 1);
}
