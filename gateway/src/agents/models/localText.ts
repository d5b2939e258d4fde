/** Small deterministic text helpers of `LocalModel` (no randomness from outside). */

/** FNV-1a 32-bit hash of a string. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seeded PRNG (mulberry32): the same seed gives the same sequence, values in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks one element with `rand`. */
export function pick<T>(items: readonly T[], rand: () => number): T {
  return items[Math.min(items.length - 1, Math.floor(rand() * items.length))]!;
}

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  single: 1,
  two: 2,
  couple: 2,
  pair: 2,
  three: 3,
  few: 3,
  some: 3,
  several: 4,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};

const SPELLED = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
];

/** Most blocks one request proposes. */
export const MAX_COUNT = 50;

/** `"three"`, `"3"`, `"a"`, `"a few"` → a count in 1..{@link MAX_COUNT}; null when not a count. */
export function parseCount(word: string | undefined): number | null {
  if (word === undefined) return null;
  const w = word.toLowerCase();
  const n = /^\d+$/.test(w) ? Number(w) : NUMBER_WORDS[w];
  if (n === undefined || !Number.isFinite(n) || n < 1) return null;
  return Math.min(MAX_COUNT, n);
}

/** 3 → "three"; larger numbers stay digits. */
export function spell(n: number): string {
  return SPELLED[n] ?? String(n);
}

/** Splits a reply into token-sized pieces: each word with the whitespace after it. */
export function tokenize(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** Rough token count of a text (~4 characters per token, at least 1 for non-empty text). */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

/** Strips surrounding quotes and trailing punctuation. */
export function cleanPhrase(text: string): string {
  return text
    .trim()
    .replace(/[.!?;,]+$/, '')
    .replace(/^["'“‘`]+|["'”’`]+$/g, '')
    .trim();
}

/** First letter upper-cased. */
export function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}
