// @ts-check

/** An RGBA colour, channels 0–255. */
/** @typedef {{r: number, g: number, b: number, a: number}} Rgba */

const HEX_RE = /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

/**
 * Parses `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `none` or `transparent`; null for anything else.
 * `none`/`transparent` parse to alpha 0 (nothing is painted).
 * @param {unknown} value
 * @returns {Rgba | null}
 */
export function parseColor(value) {
  if (typeof value !== 'string') return null;
  if (value === 'none' || value === 'transparent') return { r: 0, g: 0, b: 0, a: 0 };
  if (!HEX_RE.test(value)) return null;
  const hex = value.slice(1);
  const short = hex.length <= 4;
  /** @param {number} i */
  const channel = (i) =>
    short ? Number.parseInt(hex[i] + hex[i], 16) : Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  const channels = short ? hex.length : hex.length / 2;
  return { r: channel(0), g: channel(1), b: channel(2), a: channels === 4 ? channel(3) : 255 };
}

/**
 * The SVG paint of a colour: `none`, or `#rrggbb` (with `fill-opacity`-style alpha returned apart).
 * @param {Rgba} color
 * @returns {{paint: string, opacity: number}}
 */
export function svgPaint(color) {
  if (color.a === 0) return { paint: 'none', opacity: 0 };
  const hex = [color.r, color.g, color.b].map((c) => c.toString(16).padStart(2, '0')).join('');
  return { paint: `#${hex}`, opacity: color.a / 255 };
}
