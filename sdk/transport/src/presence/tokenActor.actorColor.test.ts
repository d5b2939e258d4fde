import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actorColor } from './tokenActor.ts';

/** WCAG 2 relative luminance of `#rrggbb` (the formula of `@easel/harness` readableTextColor, copied). */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of `#rrggbb` against white. */
const contrastOnWhite = (hex: string) => (1 + 0.05) / (luminance(hex) + 0.05);

describe('actorColor (WCAG 1.4.3: white names on it, and it as text on white)', () => {
  it('every id gets a colour at least 4.5:1 against white (property)', () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        expect(contrastOnWhite(actorColor(id))).toBeGreaterThanOrEqual(4.5);
      }),
      { numRuns: 500 },
    );
  });

  it('every hue it can pick is at least 4.5:1 against white (all 360, by id)', () => {
    // Ids are hashed to one of 360 hues: find ids until as many distinct colours are seen (bounded).
    const colours = new Set<string>();
    for (let i = 0; i < 50_000 && colours.size < 360; i++) colours.add(actorColor(`actor-${i}`));
    expect(colours.size).toBe(360);
    const worst = Math.min(...[...colours].map(contrastOnWhite));
    expect(worst).toBeGreaterThanOrEqual(4.5);
  });
});
