import type { RootKind } from '@easel/schemas';
import * as Y from 'yjs';
import type { TextFieldMap } from './mergeTextFields.ts';

/** A plain string at a text field: `map.get(key) === text`, `map` nested inside root `root`. */
export interface PlainTextField {
  readonly root: string;
  readonly map: Y.Map<unknown>;
  readonly key: string;
  readonly text: string;
}

/**
 * Every plain string held under a declared text-field key of a Y.Map nested (at any depth) inside
 * a `map` or `array` root, in document order (WIRE-NOTES "Text fields": a root map's own keys and
 * strings directly in an array are not text fields). Iterative; visits each nested type once.
 */
export function findPlainTextFields(
  doc: Y.Doc,
  roots: Readonly<Record<string, RootKind>>,
  textFields: TextFieldMap,
): PlainTextField[] {
  const found: PlainTextField[] = [];
  for (const [root, declared] of Object.entries(textFields)) {
    const kind = Object.hasOwn(roots, root) ? roots[root] : undefined;
    if ((kind !== 'map' && kind !== 'array') || declared.length === 0) continue;
    const keys = new Set(declared);
    const top = kind === 'map' ? doc.getMap<unknown>(root) : doc.getArray<unknown>(root);
    // Children of the root itself: its own keys are not text fields, only nested maps' keys are.
    const stack: unknown[] = [];
    pushChildren(stack, top);
    // Bounded by the number of nested types: each is pushed once (a type has one parent).
    while (stack.length > 0) {
      const node = stack.pop();
      if (node instanceof Y.Map) {
        for (const [key, value] of (node as Y.Map<unknown>).entries()) {
          if (keys.has(key) && typeof value === 'string')
            found.push({ root, map: node as Y.Map<unknown>, key, text: value });
        }
      }
      pushChildren(stack, node);
    }
  }
  return found;
}

/** Pushes the nested maps and arrays of a map or array, last first (so they pop in doc order). */
function pushChildren(stack: unknown[], node: unknown): void {
  let values: unknown[];
  if (node instanceof Y.Map) values = [...(node as Y.Map<unknown>).values()];
  else if (node instanceof Y.Array) values = (node as Y.Array<unknown>).toArray();
  else return;
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v instanceof Y.Map || v instanceof Y.Array) stack.push(v);
  }
}

/** Limits of one conversion group (one transaction, one `state_patch` event). */
export interface GroupLimits {
  /** Most UTF-8 bytes of text per group (a larger single string is a group of its own). */
  readonly bytes: number;
  /** Most fields per group. */
  readonly fields: number;
}

/**
 * Splits fields into groups of one root each, in order, within `limits` (so each group's event
 * stays under the envelope limit and needs no per-root attribution).
 */
export function groupPlainTextFields(fields: readonly PlainTextField[], limits: GroupLimits): PlainTextField[][] {
  const groups: PlainTextField[][] = [];
  let current: PlainTextField[] = [];
  let bytes = 0;
  for (const f of fields) {
    const size = Buffer.byteLength(f.text, 'utf8');
    const fits =
      current.length > 0 &&
      current[0]!.root === f.root &&
      current.length < limits.fields &&
      bytes + size <= limits.bytes;
    if (!fits && current.length > 0) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Converts the fields (call inside one transaction): each plain string still in place becomes a
 * Y.Text holding the same text, set under the same key. Returns how many it converted.
 */
export function convertPlainTextFields(fields: readonly PlainTextField[]): number {
  let converted = 0;
  for (const f of fields) {
    if (f.map.get(f.key) !== f.text) continue;
    f.map.set(f.key, new Y.Text(f.text));
    converted++;
  }
  return converted;
}
