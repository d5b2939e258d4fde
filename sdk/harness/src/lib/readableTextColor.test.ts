import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contrastRatio, DARK_TEXT, LIGHT_TEXT, readableTextColor, relativeLuminance } from './readableTextColor.ts';

const hexColor = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
  .map(([r, g, b]) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`);

describe('readableTextColor (WCAG 1.4.3: initials and names on an actor colour)', () => {
  it('known pairs: white on dark, black on light green and cyan (white was 2.4:1 there)', () => {
    expect(readableTextColor('#000000')).toBe(LIGHT_TEXT);
    expect(readableTextColor('#2873bd')).toBe(LIGHT_TEXT);
    expect(readableTextColor('#48bd28')).toBe(DARK_TEXT);
    expect(readableTextColor('#0ea5e9')).toBe(DARK_TEXT);
    expect(readableTextColor('#fff')).toBe(DARK_TEXT);
    expect(readableTextColor('not a colour')).toBe(LIGHT_TEXT);
  });

  it('luminance and contrast follow WCAG 2 (white on black is 21:1)', () => {
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 6);
    expect(relativeLuminance('#000')).toBe(0);
    expect(contrastRatio(1, 0)).toBeCloseTo(21, 6);
    expect(relativeLuminance('#12345')).toBeNull();
  });

  it('property: the pick is never worse than the other colour, and always at least 4.5:1', () => {
    fc.assert(
      fc.property(hexColor, (bg) => {
        const lum = relativeLuminance(bg)!;
        const pick = readableTextColor(bg);
        const other = pick === LIGHT_TEXT ? DARK_TEXT : LIGHT_TEXT;
        const ratio = contrastRatio(lum, relativeLuminance(pick)!);
        expect(ratio).toBeGreaterThanOrEqual(contrastRatio(lum, relativeLuminance(other)!));
        expect(ratio).toBeGreaterThanOrEqual(4.5);
      }),
    );
  });
});
