import type { JsonValue, RootKind } from '@easel/schemas';
import * as Y from 'yjs';

/** A JSON value as Yjs content: objects become `Y.Map`, arrays `Y.Array`, recursively (as `state.ops` does). */
export function jsonToY(value: JsonValue): unknown {
  if (Array.isArray(value)) {
    const array = new Y.Array<unknown>();
    array.insert(0, value.map(jsonToY));
    return array;
  }
  if (value !== null && typeof value === 'object') {
    const map = new Y.Map<unknown>();
    for (const [key, item] of Object.entries(value)) map.set(key, jsonToY(item as JsonValue));
    return map;
  }
  return value;
}

function kindOf(value: JsonValue): RootKind {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return 'text';
  return 'map';
}

/**
 * Replaces the content of the given roots with their JSON (a partial-lens viewer's
 * projection), in one transaction with `origin`. Returns the roots it could not express
 * (XML roots, or JSON that does not fit the root kind).
 */
export function applyProjection(
  doc: Y.Doc,
  state: Readonly<Record<string, JsonValue>>,
  roots: Readonly<Record<string, RootKind>>,
  origin: unknown,
): string[] {
  const skipped: string[] = [];
  doc.transact(() => {
    for (const [name, json] of Object.entries(state)) {
      const kind = roots[name] ?? kindOf(json);
      if (kind === 'map' && json !== null && typeof json === 'object' && !Array.isArray(json)) {
        const map = doc.getMap<unknown>(name);
        for (const key of [...map.keys()]) if (!Object.hasOwn(json, key)) map.delete(key);
        for (const [key, item] of Object.entries(json)) {
          // An unchanged primitive is left alone, so observers only see what changed.
          if ((item === null || typeof item !== 'object') && map.has(key) && map.get(key) === item) continue;
          map.set(key, jsonToY(item as JsonValue));
        }
      } else if (kind === 'array' && Array.isArray(json)) {
        const array = doc.getArray<unknown>(name);
        if (array.length > 0) array.delete(0, array.length);
        array.insert(0, json.map(jsonToY));
      } else if (kind === 'text' && typeof json === 'string') {
        const text = doc.getText(name);
        if (text.length > 0) text.delete(0, text.length);
        text.insert(0, json);
      } else {
        skipped.push(name);
      }
    }
  }, origin);
  return skipped;
}

/** The JSON of every root the manifest declares (what `GET /v1/canvases/{id}` returns as `state`). */
export function docToJson(doc: Y.Doc, roots: Readonly<Record<string, RootKind>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(roots)) {
    const root =
      kind === 'map'
        ? doc.getMap(name)
        : kind === 'array'
          ? doc.getArray(name)
          : kind === 'text'
            ? doc.getText(name)
            : doc.getXmlFragment(name);
    out[name] = root.toJSON();
  }
  return out;
}
