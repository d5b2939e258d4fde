/** The first problem found in the plain values of an update item, or null. */
export type PlainValueProblem =
  /** An array or object nested more levels than allowed. */
  | { readonly kind: 'too_deep' }
  /** An object with a `__proto__` key (or a prototype that is not `Object.prototype`). */
  | { readonly kind: 'proto_key' }
  /** An object holding a plain string under a text-field key. */
  | { readonly kind: 'text_field'; readonly key: string };

/**
 * Inspects plain values a raw update carries (Yjs `ContentAny` / `ContentJSON` items, embeds,
 * formats) without recursion: arrays and objects nested more than `maxLevels` levels (the value
 * itself is level 1); an object key `__proto__` (lib0 decodes it by assignment, so it shows as a
 * foreign prototype, and JSON-decoded content as an own key: either way it vanishes from the
 * state's JSON); and, when `textKeys` is given, an object (at any depth) holding a string under one
 * of those keys. Bounded by the size of the values; stops at the first problem.
 */
export function inspectPlainValues(
  values: readonly unknown[],
  maxLevels: number,
  textKeys: ReadonlySet<string> | null,
): PlainValueProblem | null {
  const nodes: unknown[] = [];
  const levels: number[] = [];
  for (const v of values) {
    if (v !== null && typeof v === 'object') {
      nodes.push(v);
      levels.push(1);
    }
  }
  while (nodes.length > 0) {
    const node = nodes.pop() as object;
    const level = levels.pop() as number;
    if (level > maxLevels) return { kind: 'too_deep' };
    if (Array.isArray(node)) {
      for (const child of node) {
        if (child !== null && typeof child === 'object') {
          nodes.push(child);
          levels.push(level + 1);
        }
      }
      continue;
    }
    if (ArrayBuffer.isView(node)) continue; // binary content: no nesting
    const proto = Object.getPrototypeOf(node);
    if ((proto !== Object.prototype && proto !== null) || Object.hasOwn(node, '__proto__'))
      return { kind: 'proto_key' };
    for (const key of Object.keys(node)) {
      const child: unknown = (node as Record<string, unknown>)[key];
      if (textKeys !== null && typeof child === 'string' && textKeys.has(key)) return { kind: 'text_field', key };
      if (child !== null && typeof child === 'object') {
        nodes.push(child);
        levels.push(level + 1);
      }
    }
  }
  return null;
}
