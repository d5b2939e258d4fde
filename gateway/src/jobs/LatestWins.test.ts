import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatestWins, type LatestWinsClock } from './LatestWins.ts';

/** A manual clock: `advance(ms)` runs due timers in order. */
function manualClock(): LatestWinsClock & { advance(ms: number): void } {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
  };
}

describe('LatestWins', () => {
  it('[CONTRACT 4] emits the first value at once, then at most one per interval, the latest winning', () => {
    const clock = manualClock();
    const out: Array<{ value: number; at: number }> = [];
    const lw = new LatestWins<number>((value) => out.push({ value, at: clock.now() }), 100, clock);
    lw.push(1);
    lw.push(2);
    lw.push(3);
    expect(out).toEqual([{ value: 1, at: 0 }]);
    clock.advance(99);
    expect(out).toHaveLength(1);
    clock.advance(1);
    expect(out).toEqual([
      { value: 1, at: 0 },
      { value: 3, at: 100 },
    ]);
    clock.advance(500);
    lw.push(4);
    expect(out.at(-1)).toEqual({ value: 4, at: 600 });
  });

  it('[CONTRACT 4] flush sends the pending value now; stop drops it', () => {
    const clock = manualClock();
    const out: number[] = [];
    const lw = new LatestWins<number>((v) => out.push(v), 100, clock);
    lw.push(1);
    lw.push(2);
    lw.flush();
    expect(out).toEqual([1, 2]);
    lw.push(3);
    lw.stop();
    clock.advance(1000);
    lw.push(4);
    expect(out).toEqual([1, 2]);
  });

  it('[CONTRACT 4] property: emissions are ≥ interval apart and the last value pushed is always emitted', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 250 }), fc.integer()), { maxLength: 60 }), (steps) => {
        const clock = manualClock();
        const out: Array<{ value: number; at: number }> = [];
        const lw = new LatestWins<number>((value) => out.push({ value, at: clock.now() }), 66, clock);
        for (const [gap, value] of steps) {
          clock.advance(gap);
          lw.push(value);
        }
        clock.advance(1000);
        for (let i = 1; i < out.length; i++) expect(out[i]!.at - out[i - 1]!.at).toBeGreaterThanOrEqual(66);
        if (steps.length > 0) expect(out.at(-1)?.value).toBe(steps.at(-1)![1]);
      }),
    );
  });
});
