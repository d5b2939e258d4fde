import { randomFillSync } from 'node:crypto';

/** Crockford base32, the ULID alphabet. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_MAX = 2 ** 48 - 1;
const RANDOM_CHARS = 16;
/** Random bytes drawn from the OS at a time (one byte per random character). */
const POOL_BYTES = 4096;

const pool = Buffer.alloc(POOL_BYTES);
let poolAt = POOL_BYTES;

/** Fills `digits` (16 values 0..31) with fresh randomness from the pool. */
function fillRandom(digits: Uint8Array): void {
  if (poolAt + RANDOM_CHARS > POOL_BYTES) {
    randomFillSync(pool);
    poolAt = 0;
  }
  // 256 is a multiple of 32: `& 31` of a uniform byte is a uniform base32 digit.
  for (let i = 0; i < RANDOM_CHARS; i++) digits[i] = (pool[poolAt + i] as number) & 31;
  poolAt += RANDOM_CHARS;
}

function encodeRandom(digits: Uint8Array): string {
  let out = '';
  for (let i = 0; i < RANDOM_CHARS; i++) out += ALPHABET[digits[i] as number];
  return out;
}

/** The 10-character time part. Throws (programmer error) outside 0 … 2^48 − 1 ms. */
export function encodeUlidTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > TIME_MAX) throw new RangeError(`ULID time out of range: ${ms}`);
  let out = '';
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    const digit = rest % 32;
    out = ALPHABET[digit] + out;
    rest = (rest - digit) / 32;
  }
  return out;
}

/** A ULID generator: `(now?) => string`. */
export type UlidFactory = (now?: number) => string;

/**
 * A fast ULID (26 Crockford base32 characters: 48-bit ms time, 80 random bits) generator with
 * the `ulid` package's semantics, drawing randomness from a pooled `randomFillSync` buffer
 * instead of one `crypto.getRandomValues` call per character.
 *
 * Monotonic (default, like `ulid`'s `monotonicFactory`): within one millisecond, or when the
 * clock goes back, the previous random part is incremented by one, so successive ids sort in
 * creation order. Non-monotonic (`{monotonic: false}`, like `ulid(now)`): fresh random each call.
 */
export function createUlidFactory(options: { monotonic?: boolean } = {}): UlidFactory {
  const monotonic = options.monotonic ?? true;
  const digits = new Uint8Array(RANDOM_CHARS);
  // NaN until the first id: every first time goes through encodeUlidTime, which refuses bad ones.
  let lastTime = Number.NaN;
  let lastTimeText = '';
  return (now?: number): string => {
    const time = now ?? Date.now();
    if (monotonic && time <= lastTime) {
      // The previous time part is kept: the time itself is checked here (never encoded).
      if (!Number.isInteger(time) || time < 0) throw new RangeError(`ULID time out of range: ${time}`);
      // increment the 80-bit random part (base32 digits, least significant last)
      let i = RANDOM_CHARS - 1;
      while (i >= 0 && digits[i] === 31) {
        digits[i] = 0;
        i--;
      }
      if (i < 0) throw new Error('ULID random part overflowed within one millisecond');
      digits[i] = (digits[i] as number) + 1;
      return lastTimeText + encodeRandom(digits);
    }
    if (time !== lastTime) {
      lastTimeText = encodeUlidTime(time);
      lastTime = time;
    }
    fillRandom(digits);
    return lastTimeText + encodeRandom(digits);
  };
}

/** Shared non-monotonic generator: `fastUlid(now?)` is `ulid(now?)`. */
export const fastUlid: UlidFactory = createUlidFactory({ monotonic: false });
