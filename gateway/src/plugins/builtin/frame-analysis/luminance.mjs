// @ts-check

/** @typedef {import('./decodePng.mjs').Image} Image */

/** Histogram bins over luminance 0–255; bin i holds `16i ≤ Y < 16(i+1)` (the last also Y = 255). */
export const HISTOGRAM_BINS = 16;

/**
 * Rec. 709 luma of 8-bit values, times 10 000, as an exact integer: `2126 R + 7152 G + 722 B`
 * (coefficients applied to the stored, gamma-encoded channels; alpha is not applied). Integer
 * arithmetic keeps sums exact, so a grey `(c, c, c)` has luminance exactly `c`.
 * @param {number} r @param {number} g @param {number} b
 */
export function luma10k(r, g, b) {
  return 2126 * r + 7152 * g + 722 * b;
}

const SCALE = 10_000;
const BIN_WIDTH = 16 * SCALE;

/** Rows handled between two `onRows` calls aim at about this many pixels. */
const CHUNK_PIXELS = 262_144;

/**
 * Mean luminance (0–255) and a 16-bin histogram of an image; `translucent` counts pixels with
 * alpha < 255. `onRows(done)` runs between chunks of rows (progress, abort).
 * @param {Image} image
 * @param {(rowsDone: number) => void} onRows
 */
export function luminanceStats(image, onRows) {
  const { width, height, data } = image;
  const histogram = new Array(HISTOGRAM_BINS).fill(0);
  const step = Math.max(1, Math.floor(CHUNK_PIXELS / width));
  let sum = 0;
  let translucent = 0;
  for (let row0 = 0; row0 < height; row0 += step) {
    const end = Math.min(height, row0 + step) * width * 4;
    for (let i = row0 * width * 4; i < end; i += 4) {
      const y = luma10k(data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0);
      sum += y;
      histogram[Math.min(HISTOGRAM_BINS - 1, Math.floor(y / BIN_WIDTH))]++;
      if ((data[i + 3] ?? 255) < 255) translucent++;
    }
    onRows(Math.min(height, row0 + step));
  }
  return { mean: sum / (width * height) / SCALE, histogram, translucent };
}

/**
 * Motion between two images of the same size: the mean absolute luminance difference (0–255) and
 * the fraction of pixels whose luminance changed by more than `threshold` (0–255).
 * @param {Image} current
 * @param {Image} prior
 * @param {number} threshold
 * @param {(rowsDone: number) => void} onRows
 */
export function motionStats(current, prior, threshold, onRows) {
  const { width, height } = current;
  if (prior.width !== width || prior.height !== height) throw new Error('motionStats: images differ in size');
  const a = current.data;
  const b = prior.data;
  const limit = threshold * SCALE;
  const step = Math.max(1, Math.floor(CHUNK_PIXELS / width));
  let sum = 0;
  let changed = 0;
  for (let row0 = 0; row0 < height; row0 += step) {
    const end = Math.min(height, row0 + step) * width * 4;
    for (let i = row0 * width * 4; i < end; i += 4) {
      const d = Math.abs(
        luma10k(a[i] ?? 0, a[i + 1] ?? 0, a[i + 2] ?? 0) - luma10k(b[i] ?? 0, b[i + 1] ?? 0, b[i + 2] ?? 0),
      );
      sum += d;
      if (d > limit) changed++;
    }
    onRows(Math.min(height, row0 + step));
  }
  const pixels = width * height;
  return { mean_abs_diff: sum / pixels / SCALE, changed_fraction: changed / pixels, threshold };
}
