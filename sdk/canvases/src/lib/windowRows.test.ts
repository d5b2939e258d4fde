import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PINNED, MAX_WINDOW_ROWS, windowRows } from './windowRows.ts';

const rowsOf = (items: ReturnType<typeof windowRows>) =>
  items.flatMap((item) => (item.kind === 'row' ? [item.index] : []));

describe('windowRows', () => {
  it('renders the visible rows plus overscan and covers the rest with gaps', () => {
    const items = windowRows({ count: 1000, scrollTop: 4000, viewport: 400, rowHeight: 40, overscan: 5, pinned: -1 });
    const rows = rowsOf(items);
    expect(rows[0]).toBe(95);
    expect(rows.at(-1)).toBe(95 + 11 + 10 - 1);
    expect(items[0]).toEqual({ kind: 'gap', from: 0, rows: 95 });
    expect(items.at(-1)).toEqual({ kind: 'gap', from: 95 + 21, rows: 1000 - 95 - 21 });
  });

  it('keeps the pinned (focused) row rendered outside the window', () => {
    const rows = rowsOf(
      windowRows({ count: 500, scrollTop: 0, viewport: 200, rowHeight: 20, overscan: 2, pinned: 400 }),
    );
    expect(rows).toContain(400);
    expect(rows).toContain(0);
  });

  it('keeps several pinned rows (the focused one and a list’s Tab stop) on either side of the window', () => {
    const rows = rowsOf(
      windowRows({ count: 500, scrollTop: 4000, viewport: 200, rowHeight: 20, overscan: 2, pinned: [450, -1, 3, 450] }),
    );
    expect(rows[0]).toBe(3);
    expect(rows.at(-1)).toBe(450);
    expect(rows.filter((r) => r === 450)).toHaveLength(1);
  });

  it('rows and gaps tile the list in order with a list of pins, whatever the inputs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5_000 }),
        fc.double({ min: 0, max: 1e6 }),
        fc.array(fc.integer({ min: -5, max: 5_005 }), { maxLength: 12 }),
        (count, scrollTop, pinned) => {
          const items = windowRows({ count, scrollTop, viewport: 400, rowHeight: 20, overscan: 3, pinned });
          const rows = rowsOf(items);
          expect(rows).toEqual([...rows].sort((a, b) => a - b));
          expect(new Set(rows).size).toBe(rows.length);
          const covered = items.reduce((n, item) => n + (item.kind === 'row' ? 1 : item.rows), 0);
          expect(covered).toBe(count);
          for (const pin of pinned.slice(0, MAX_PINNED)) if (pin >= 0 && pin < count) expect(rows).toContain(pin);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rows and gaps tile the list in order, whatever the inputs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.double({ min: -100, max: 1e7, noNaN: false }),
        fc.double({ min: -10, max: 5000 }),
        fc.double({ min: -1, max: 500 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: -5, max: 20_005 }),
        (count, scrollTop, viewport, rowHeight, overscan, pinned) => {
          const items = windowRows({ count, scrollTop, viewport, rowHeight, overscan, pinned });
          let next = 0;
          let rendered = 0;
          for (const item of items) {
            if (item.kind === 'row') {
              expect(item.index).toBe(next);
              next++;
              rendered++;
            } else {
              expect(item.from).toBe(next);
              expect(item.rows).toBeGreaterThan(0);
              next += item.rows;
            }
          }
          expect(next).toBe(count);
          expect(rendered).toBeLessThanOrEqual(MAX_WINDOW_ROWS + 1);
          if (count > 0) expect(rendered).toBeGreaterThan(0);
          if (pinned >= 0 && pinned < count) expect(rowsOf(items)).toContain(pinned);
        },
      ),
      { numRuns: 200 },
    );
  });
});
