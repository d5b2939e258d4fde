import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile } from '../lib/stats.ts';
import { overheadOf, summarizeLatencies } from './summarizeLatencies.ts';

describe('summarizeLatencies', () => {
  it('gives p50, p99 by nearest rank, max and n, ignoring non-finite values', () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(summarizeLatencies(values)).toEqual({ p50: 100, p99: 198, max: 200, n: 200 });
    expect(summarizeLatencies([0.3, Number.NaN, 0.1, Number.POSITIVE_INFINITY, 0.2])).toEqual({
      p50: 0.2,
      p99: 0.3,
      max: 0.3,
      n: 3,
    });
    expect(summarizeLatencies([])).toBeNull();
    expect(summarizeLatencies([Number.NaN])).toBeNull();
  });

  it('agrees with the bench-wide percentile and keeps p50 ≤ p99 ≤ max', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 }), (values) => {
        const s = summarizeLatencies(values)!;
        expect(s.p50).toBe(percentile(values, 50));
        expect(s.p99).toBe(percentile(values, 99));
        expect(s.p50).toBeLessThanOrEqual(s.p99);
        expect(s.p99).toBeLessThanOrEqual(s.max);
        expect(s.n).toBe(values.length);
      }),
    );
  });
});

describe('overheadOf', () => {
  it('subtracts the direct percentiles from the sandboxed ones', () => {
    const direct = { p50: 0.002, p99: 0.01, max: 0.5, n: 10 };
    const sandboxed = { p50: 0.102, p99: 0.61, max: 9, n: 10 };
    const overhead = overheadOf(direct, sandboxed);
    expect(overhead.p50).toBeCloseTo(0.1, 12);
    expect(overhead.p99).toBeCloseTo(0.6, 12);
  });
});
