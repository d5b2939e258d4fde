/**
 * The smallest string greater than every string that starts with `prefix`, in code-point order
 * (which is also UTF-8 byte order, SQLite's BINARY collation and PostgreSQL's "C" collation), so
 * `key >= prefix AND key < bound` is an index range scan for "starts with". `null` when no bound
 * exists (empty prefix, or a prefix of only U+10FFFF): scan to the end.
 */
export function prefixUpperBound(prefix: string): string | null {
  const points = Array.from(prefix, (ch) => ch.codePointAt(0) as number);
  while (points.length > 0) {
    const last = points.pop() as number;
    if (last < 0x10ffff) {
      // Skip the surrogate range: those code points never occur alone in well-formed text.
      const next = last === 0xd7ff ? 0xe000 : last + 1;
      return String.fromCodePoint(...points, next);
    }
  }
  return null;
}
