let counter = 0;

/**
 * A fresh key for a map entry or block (`<prefix>-<time>-<random>-<counter>`), at most 64 characters.
 * Unique enough across tabs and agents for keys inserted with `state.ops` (a clash is refused by the
 * gateway, which never overwrites: map inserts require a new key).
 */
export function newId(prefix: string): string {
  counter = (counter + 1) % 1_679_616;
  const random = Math.floor(Math.random() * 2_176_782_336).toString(36);
  return `${prefix}-${Date.now().toString(36)}-${random}-${counter.toString(36)}`.slice(0, 64);
}
