/**
 * Splits `total` into `parts` whole shares that differ by at most one, the larger shares first
 * (e.g. 101 readers over two nodes: 51 and 50).
 */
export function splitEvenly(total: number, parts: number): number[] {
  if (!Number.isInteger(total) || total < 0) throw new Error(`splitEvenly: bad total ${total}`);
  if (!Number.isInteger(parts) || parts < 1) throw new Error(`splitEvenly: bad parts ${parts}`);
  const base = Math.floor(total / parts);
  const extra = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}
