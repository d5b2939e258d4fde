import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActorRateLimit } from './ActorRateLimit.ts';

/** A clock the test moves by hand (ms). */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('ActorRateLimit', () => {
  it('[CONTRACT 3] never admits more than burst + rate × elapsed in any window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(
          fc.record({
            dt: fc.integer({ min: 0, max: 300 }),
            n: fc.integer({ min: 1, max: 12 }),
            actor: fc.integer({ min: 0, max: 2 }),
          }),
          { maxLength: 120 },
        ),
        (rate, burst, steps) => {
          const clock = manualClock();
          const limit = new ActorRateLimit({ ratePerSecond: rate, burst, now: clock.now });
          // Admissions per actor: [time, count].
          const admitted: Array<Array<[number, number]>> = [[], [], []];
          for (const { dt, n, actor } of steps) {
            clock.advance(dt);
            const wait = limit.take('t', `a${actor}`, n);
            if (wait === 0) admitted[actor]!.push([clock.now(), n]);
            else if (n > burst) expect(wait).toBe(Number.POSITIVE_INFINITY);
            else expect(wait).toBeGreaterThan(0);
          }
          for (const list of admitted) {
            for (let i = 0; i < list.length; i++) {
              let sum = 0;
              for (let j = i; j < list.length; j++) {
                sum += list[j]![1];
                const elapsedS = (list[j]![0] - list[i]![0]) / 1000;
                expect(sum).toBeLessThanOrEqual(burst + rate * elapsedS + 1e-9);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('admits a full burst at once, refuses the next with the wait until one token is back, and admits it then', () => {
    const clock = manualClock();
    const limit = new ActorRateLimit({ ratePerSecond: 10, burst: 5, now: clock.now });
    for (let i = 0; i < 5; i++) expect(limit.take('acme', 'alice', 1)).toBe(0);
    expect(limit.take('acme', 'alice', 1)).toBeCloseTo(100, 6);
    // A refusal takes nothing: after the wait, the same request is admitted.
    clock.advance(100);
    expect(limit.take('acme', 'alice', 1)).toBe(0);
    expect(limit.take('acme', 'alice', 1)).toBeGreaterThan(0);
  });

  it('keeps actors apart, and the same actor id in two tenants apart', () => {
    const clock = manualClock();
    const limit = new ActorRateLimit({ ratePerSecond: 1, burst: 2, now: clock.now });
    expect(limit.take('acme', 'alice', 2)).toBe(0);
    expect(limit.take('acme', 'alice', 1)).toBeGreaterThan(0);
    expect(limit.take('acme', 'bob', 2)).toBe(0);
    expect(limit.take('other', 'alice', 2)).toBe(0);
    expect(limit.take('other', 'alice', 1)).toBeGreaterThan(0);
    expect(limit.take('third', 'alice', 1)).toBe(0);
  });

  it('refuses a request of more than the burst for good (Infinity), taking nothing', () => {
    const clock = manualClock();
    const limit = new ActorRateLimit({ ratePerSecond: 100, burst: 10, now: clock.now });
    expect(limit.take('acme', 'alice', 11)).toBe(Number.POSITIVE_INFINITY);
    expect(limit.take('acme', 'alice', 10)).toBe(0);
  });

  it('drops buckets once they are full again (memory stays bounded by the recently active actors)', () => {
    const clock = manualClock();
    const limit = new ActorRateLimit({ ratePerSecond: 100, burst: 10, now: clock.now });
    for (let i = 0; i < 5000; i++) limit.take('acme', `actor-${i}`, 1);
    // Inserts sweep when the count doubles past 1024; none was full yet (all within 100 ms).
    expect(limit.size).toBeGreaterThan(0);
    expect(limit.size).toBeLessThanOrEqual(5000);
    clock.advance(100); // 1 token back: every bucket is full again
    limit.take('acme', 'newcomer', 1); // an insert after a refill period sweeps
    expect(limit.size).toBe(1);
    // A dropped actor starts again with a full bucket: the same as if it had been kept.
    for (let i = 0; i < 10; i++) expect(limit.take('acme', 'actor-1', 1)).toBe(0);
    expect(limit.take('acme', 'actor-1', 1)).toBeGreaterThan(0);
  });

  it('sweeps one tenant of an actor id and keeps the other', () => {
    const clock = manualClock();
    const limit = new ActorRateLimit({ ratePerSecond: 10, burst: 10, now: clock.now });
    expect(limit.take('a', 'x', 1)).toBe(0);
    clock.advance(50);
    expect(limit.take('b', 'x', 10)).toBe(0);
    clock.advance(60); // a/x full again (1 token in 100 ms), b/x not
    limit.sweep();
    expect(limit.size).toBe(1);
    expect(limit.take('b', 'x', 1)).toBeGreaterThan(0);
    expect(limit.take('a', 'x', 10)).toBe(0);
  });

  it('refuses bad settings', () => {
    expect(() => new ActorRateLimit({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new ActorRateLimit({ ratePerSecond: 1, burst: 0 })).toThrow(RangeError);
    expect(() => new ActorRateLimit({ ratePerSecond: Number.NaN, burst: 1 })).toThrow(RangeError);
    expect(() => new ActorRateLimit({ ratePerSecond: 1, burst: 1.5 })).toThrow(RangeError);
  });
});
