import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from './TokenBucket.ts';

describe('TokenBucket', () => {
  it('[CONTRACT 7] allows a burst, then the rate', () => {
    const bucket = new TokenBucket(30, 10, 0);
    let taken = 0;
    for (let i = 0; i < 100; i++) if (bucket.take(0)) taken += 1;
    expect(taken).toBe(10);
    expect(bucket.msUntilNext(0)).toBe(34);
    expect(bucket.take(33)).toBe(false);
    expect(bucket.take(34)).toBe(true);
    expect(bucket.take(1000)).toBe(true);
  });

  it('[CONTRACT 7] never lets more than burst + rate × time through (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 400 }),
        (rate, burst, gaps) => {
          const bucket = new TokenBucket(rate, burst, 0);
          let now = 0;
          let taken = 0;
          for (const gap of gaps) {
            now += gap;
            if (bucket.take(now)) taken += 1;
          }
          expect(taken).toBeLessThanOrEqual(burst + Math.floor((rate * now) / 1000) + 1);
        },
      ),
    );
  });

  it('refuses nonsense settings', () => {
    expect(() => new TokenBucket(0, 1, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0, 0)).toThrow(RangeError);
  });
});
