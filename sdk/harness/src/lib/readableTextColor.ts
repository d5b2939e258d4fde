/** The dark text colour {@link readableTextColor} picks on light backgrounds (black: with white, one of the two is always at least 4.58:1). */
export const DARK_TEXT = '#000000';
/** The light text colour {@link readableTextColor} picks on dark backgrounds. */
export const LIGHT_TEXT = '#ffffff';

/** WCAG 2 relative luminance of a `#rrggbb` / `#rgb` colour, or null when it is not one. */
export function relativeLuminance(color: string): number | null {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim())?.[1];
  if (hex === undefined) return null;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  const [r, g, b] = [0, 2, 4].map((i) => {
    const v = Number.parseInt(full.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two luminances (1 to 21). */
export function contrastRatio(a: number, b: number): number {
  const [hi, lo] = a >= b ? [a, b] : [b, a];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The text colour (white or black) with the higher contrast on `background`: names and
 * initials drawn on an actor's colour (presence colours are any hue, and white on a light green
 * or cyan is under WCAG's 4.5:1). A colour that is not `#rrggbb`/`#rgb` gets white.
 */
export function readableTextColor(background: string): typeof DARK_TEXT | typeof LIGHT_TEXT {
  const bg = relativeLuminance(background);
  if (bg === null) return LIGHT_TEXT;
  return contrastRatio(bg, 1) >= contrastRatio(bg, relativeLuminance(DARK_TEXT)!) ? LIGHT_TEXT : DARK_TEXT;
}
