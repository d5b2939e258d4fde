/**
 * The path of the first number in a parsed JSON body that is not finite (`1e400` parses to
 * `Infinity`), or `null` when there is none. JSON has no such numbers: passing one on would turn
 * it into `null` silently when it is serialized again. Iterative, so any depth is safe.
 */
export function findNonFiniteNumber(value: unknown, path = ''): string | null {
  const stack: Array<[unknown, string]> = [[value, path]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return at || '(value)';
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}[${i}]`]);
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        stack.push([(v as Record<string, unknown>)[key], at ? `${at}.${key}` : key]);
      }
    }
  }
  return null;
}
