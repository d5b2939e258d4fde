import type { JsonValue } from '@easel/schemas';

/** The value at a JSON pointer (RFC 6901), or `{found: false}` when the path does not exist. */
export type PointerResult = { found: true; value: JsonValue } | { found: false };

/**
 * Resolves `pointer` (`""` = the whole document, `/a/0/b`, with `~1` for `/` and `~0` for `~`)
 * in `doc`. Array segments must be decimal indexes without leading zeros. Never throws.
 */
export function resolvePointer(doc: JsonValue, pointer: string): PointerResult {
  if (pointer === '') return { found: true, value: doc };
  if (!pointer.startsWith('/')) return { found: false };
  let node: JsonValue = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      if (!/^(?:0|[1-9][0-9]*)$/.test(segment)) return { found: false };
      const index = Number(segment);
      if (index >= node.length) return { found: false };
      node = node[index] as JsonValue;
    } else if (node !== null && typeof node === 'object') {
      if (!Object.hasOwn(node, segment)) return { found: false };
      node = node[segment] as JsonValue;
    } else {
      return { found: false };
    }
  }
  return { found: true, value: node };
}
