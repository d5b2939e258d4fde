/**
 * The filter's sizing and hash, shared as one source text by the main thread and the scan
 * worker (`CommandIdIndex.ts`), so the two can never disagree. 10 bits per key and 7 hashes:
 * ≈ 1 % false positives at capacity. The hash: two 32-bit hashes of the key's UTF-16 code units
 * (FNV-1a and a multiplicative one, each finished with murmur3's fmix32), combined by double
 * hashing into `k` bit positions.
 */
export const BLOOM_SOURCE = `
const BITS_PER_KEY = 10;
const HASHES = 7;
function filterBits(capacity) {
  const wanted = Math.max(1, capacity) * BITS_PER_KEY;
  let bits = 1 << 16;
  while (bits < wanted && bits < 2 ** 31) bits *= 2;
  return bits;
}
function bloomPositions(key, k, mask, out) {
  let a = 0x811c9dc5 | 0;
  let b = 0x9747b28c | 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16; a = Math.imul(a, 0x85ebca6b); a ^= a >>> 13; a = Math.imul(a, 0xc2b2ae35); a ^= a >>> 16;
  b ^= b >>> 16; b = Math.imul(b, 0x85ebca6b); b ^= b >>> 13; b = Math.imul(b, 0xc2b2ae35); b ^= b >>> 16;
  b |= 1;
  for (let i = 0; i < k; i++) out[i] = (a + Math.imul(i, b)) & mask;
}
`;

const shared = new Function(`${BLOOM_SOURCE}\nreturn { filterBits, bloomPositions, HASHES };`)() as {
  filterBits: (capacity: number) => number;
  bloomPositions: (key: string, k: number, mask: number, out: Uint32Array) => void;
  HASHES: number;
};
const bloomPositions = shared.bloomPositions;

/** Hash functions per key. */
export const HASHES = shared.HASHES;

/** The number of bits (a power of two, at least 2^16) for `capacity` keys. */
export const filterBits: (capacity: number) => number = shared.filterBits;

/**
 * A Bloom filter over command keys (`<partition>\n<command_id>`): `mightContain` false means
 * the key was never added (no false negatives); true may be wrong (≈ 1 % at capacity).
 */
export class CommandIdFilter {
  private readonly words: Uint32Array;
  private readonly mask: number;
  private readonly scratch = new Uint32Array(HASHES);

  /** `words`: the filter's bits, 32 per word; its length × 32 is a power of two. */
  constructor(words: Uint32Array) {
    const bits = words.length * 32;
    if (bits < 32 || (bits & (bits - 1)) !== 0) throw new RangeError('CommandIdFilter: bits must be a power of two');
    this.words = words;
    this.mask = bits - 1;
  }

  /** An empty filter sized for `capacity` keys. */
  static empty(capacity: number): CommandIdFilter {
    return new CommandIdFilter(new Uint32Array(filterBits(capacity) / 32));
  }

  add(key: string): void {
    const pos = this.scratch;
    bloomPositions(key, HASHES, this.mask, pos);
    const words = this.words;
    for (let i = 0; i < HASHES; i++) {
      const p = pos[i] as number;
      words[p >>> 5] = (words[p >>> 5] as number) | (1 << (p & 31));
    }
  }

  mightContain(key: string): boolean {
    const pos = this.scratch;
    bloomPositions(key, HASHES, this.mask, pos);
    const words = this.words;
    for (let i = 0; i < HASHES; i++) {
      const p = pos[i] as number;
      if (((words[p >>> 5] as number) & (1 << (p & 31))) === 0) return false;
    }
    return true;
  }
}
