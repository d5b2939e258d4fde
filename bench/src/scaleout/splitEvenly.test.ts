import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitEvenly } from './splitEvenly.ts';

describe('splitEvenly (subscribers split across nodes)', () => {
  it('halves an even count and puts the odd one on the first node', () => {
    expect(splitEvenly(100, 2)).toEqual([50, 50]);
    expect(splitEvenly(101, 2)).toEqual([51, 50]);
    expect(splitEvenly(1000, 1)).toEqual([1000]);
    expect(splitEvenly(1, 3)).toEqual([1, 0, 0]);
  });

  it('keeps the total and shares within one of each other', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 16 }), (total, parts) => {
        const shares = splitEvenly(total, parts);
        expect(shares).toHaveLength(parts);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('refuses a count it cannot split', () => {
    expect(() => splitEvenly(-1, 2)).toThrow();
    expect(() => splitEvenly(10, 0)).toThrow();
    expect(() => splitEvenly(1.5, 2)).toThrow();
  });
});
