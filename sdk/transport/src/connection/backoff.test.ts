import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BACKOFF_TIERS, backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  it('walks the named tiers and stays at the cap', () => {
    const names = [1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelay(n, () => 0.999).tier);
    expect(names).toEqual(['immediate', 'quick', 'patient', 'slow', 'cap', 'cap', 'cap']);
  });

  it('full jitter: every delay lies in [0, tier] without a server hint', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const d = backoffDelay(n, () => r);
          const tier = BACKOFF_TIERS[Math.min(n, BACKOFF_TIERS.length) - 1]!;
          expect(d.floor).toBe(0);
          expect(d.ceiling).toBe(tier.ms);
          expect(d.ms).toBeGreaterThanOrEqual(0);
          expect(d.ms).toBeLessThanOrEqual(tier.ms);
        },
      ),
    );
  });

  it("honours the server's retry: as the base (never sooner, capped)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, retry, r) => {
          const d = backoffDelay(n, () => r, retry);
          expect(d.ms).toBeGreaterThanOrEqual(Math.min(retry, 10_000));
          expect(d.ms).toBeLessThanOrEqual(Math.max(Math.min(retry, 10_000), d.ceiling));
          expect(d.ms).toBeLessThanOrEqual(10_000);
        },
      ),
    );
    expect(backoffDelay(1, () => 0, 3_000).ms).toBe(3_000);
    expect(backoffDelay(1, () => 0.5, 3_000).ceiling).toBe(3_000);
    expect(backoffDelay(5, () => 0.5, 3_000).ms).toBe(6_500);
  });
});

describe('backoffDelay without a usable server hint', () => {
  it('null, undefined, 0, a negative and a non-finite hint all mean no hint', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const none = backoffDelay(n, () => r, null);
          for (const hint of [undefined, 0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
            expect(backoffDelay(n, () => r, hint)).toEqual(none);
          }
        },
      ),
    );
  });
});
