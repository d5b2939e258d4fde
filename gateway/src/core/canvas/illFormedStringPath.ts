import type { JsonValue } from '@easel/schemas';

/** A lone surrogate (unicode mode: a paired surrogate is one code point and does not match). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Whether `s` is well-formed UTF-16 (no lone surrogate), as `String.prototype.isWellFormed`. */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/**
 * The path (`value.a[0]`, from `where`) of the first string or object key in `value` that is not
 * well-formed UTF-16, or null. Yjs stores strings as UTF-8, so a lone surrogate becomes U+FFFD
 * when the state is encoded (on replay, on every other client): what was acknowledged would change.
 * Iterative, so any depth is safe.
 */
export function illFormedStringPath(value: JsonValue, where = 'value'): string | null {
  const stack: Array<[JsonValue, string]> = [[value, where]];
  // Bounded by the size of `value`: each entry is visited once.
  while (stack.length > 0) {
    const [v, here] = stack.pop()!;
    if (typeof v === 'string') {
      if (!isWellFormed(v)) return here;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i]!, `${here}[${i}]`]);
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      if (!isWellFormed(k)) return `${here} (key ${JSON.stringify(k)})`;
      const x = v[k];
      if (x !== undefined) stack.push([x as JsonValue, `${here}.${k}`]);
    }
  }
  return null;
}
