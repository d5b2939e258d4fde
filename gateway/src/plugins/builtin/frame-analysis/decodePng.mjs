// @ts-check
import { PNG } from 'pngjs';

/** Bounds of one image; bigger ones are refused with a RangeError that names the limit. */
export const IMAGE_LIMITS = Object.freeze({
  /** Characters of `data_base64` (48 MiB, 36 MiB of PNG: room for an incompressible RGBA image at the pixel limit). */
  base64Chars: 50_331_648,
  /** Pixels of the decoded image (3840×2160 fits). */
  pixels: 8_388_608,
  /** Either side, pixels. */
  side: 16_384,
});

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A decoded image: RGBA, 8 bits per channel, row-major. */
/** @typedef {{width: number, height: number, data: Uint8Array}} Image */

/**
 * The size a PNG declares in its header, read before decoding so a giant image is refused
 * without inflating it. Throws (with the reason) when the bytes are not a PNG.
 * @param {Buffer} bytes
 * @param {string} what names the image in messages, e.g. `frame`
 * @returns {{width: number, height: number}}
 */
export function pngSize(bytes, what) {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(SIGNATURE)) {
    throw new Error(`frame-analysis: ${what} is not a PNG (no PNG signature)`);
  }
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') throw new Error(`frame-analysis: ${what} is not a PNG (no IHDR)`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * Decodes `data_base64` of an image frame after checking its size against {@link IMAGE_LIMITS}:
 * throws a RangeError past a limit, an Error when the bytes are not a decodable PNG.
 * @param {string} base64
 * @param {string} what names the image in messages
 * @returns {Image}
 */
export function decodePng(base64, what) {
  if (base64.length > IMAGE_LIMITS.base64Chars) {
    throw new RangeError(
      `frame-analysis: ${what} has ${base64.length} base64 characters; the limit is ${IMAGE_LIMITS.base64Chars}`,
    );
  }
  const bytes = Buffer.from(base64, 'base64');
  const { width, height } = pngSize(bytes, what);
  if (width === 0 || height === 0 || width > IMAGE_LIMITS.side || height > IMAGE_LIMITS.side) {
    throw new RangeError(`frame-analysis: ${what} is ${width}x${height}; each side must be 1 to ${IMAGE_LIMITS.side}`);
  }
  if (width * height > IMAGE_LIMITS.pixels) {
    throw new RangeError(
      `frame-analysis: ${what} is ${width}x${height} = ${width * height} pixels; the limit is ${IMAGE_LIMITS.pixels}`,
    );
  }
  try {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: png.data };
  } catch (error) {
    throw new Error(
      `frame-analysis: ${what} does not decode as PNG: ${error instanceof Error ? error.message : error}`,
    );
  }
}
