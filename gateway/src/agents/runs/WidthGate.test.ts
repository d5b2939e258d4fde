import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WidthGate } from './WidthGate.ts';

describe('[CONTRACT 10] budget.width', () => {
  it('never has more than width tasks in flight, reaches width when it can, keeps result order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.nat(3), { maxLength: 12 }),
        async (width, delays) => {
          const gate = new WidthGate(width);
          let now = 0;
          let most = 0;
          const results = await gate.run(delays, async (delay, i) => {
            now += 1;
            most = Math.max(most, now);
            await new Promise((r) => setTimeout(r, delay));
            now -= 1;
            return i;
          });
          expect(results).toEqual(delays.map((_, i) => i));
          expect(most).toBeLessThanOrEqual(width);
          expect(gate.maxInFlight).toBe(most);
          expect(most).toBe(Math.min(width, delays.length));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('refuses a width below 1 (programmer error)', () => {
    expect(() => new WidthGate(0)).toThrow(RangeError);
  });
});
