// @ts-check
/**
 * Built-in plugin `frame-analysis` (contract §9): per-frame image analysis of PNG frames — mean
 * luminance (Rec. 709), a 16-bin histogram and motion against the prior frame. Plain ESM for plain
 * Node. Shapes: ./plugin.json and ../README.md.
 */
import { decodePng, IMAGE_LIMITS } from './decodePng.mjs';
import { luminanceStats, motionStats } from './luminance.mjs';

/** Bounds of one call; bigger inputs are refused with an Error that names the limit. */
export const LIMITS = IMAGE_LIMITS;

/** Frames of at least this many pixels report progress (and a partial result after luminance). */
export const BIG_FRAME_PIXELS = 1_000_000;

/** `params.motion_threshold` when left out: a pixel "changed" when its luminance moved by more. */
export const DEFAULT_MOTION_THRESHOLD = 16;

/**
 * @typedef {object} ToolContext
 * @property {(percent: number) => void} progress
 * @property {(message: string) => void} warn
 * @property {(payload: unknown) => void} partial
 * @property {AbortSignal} signal
 */

/** @type {Record<string, (input: any, ctx: ToolContext) => Promise<unknown>>} */
export const tools = {
  /**
   * @param {any} input `{frame, index, fps?, previous?, prior_frame?, params?: {motion_threshold?}}`
   * @param {ToolContext} ctx
   */
  analyze: async (input, ctx) => analyzeFrame(input, ctx),
};

/** @param {unknown} v @returns {v is Record<string, any>} */
function isRecord(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * @param {any} input
 * @param {ToolContext} ctx
 */
export function analyzeFrame(input, ctx) {
  const index = Number.isInteger(input?.index) ? input.index : 0;
  const threshold = input?.params?.motion_threshold ?? DEFAULT_MOTION_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > 254) {
    throw new Error(
      `frame-analysis: params.motion_threshold must be an integer from 0 to 254; got ${JSON.stringify(threshold)}`,
    );
  }
  const { base64, source } = imageSource(input);
  const image = decodePng(base64, source === 'frame' ? 'frame' : 'previous.png_base64');
  const pixels = image.width * image.height;
  const big = pixels >= BIG_FRAME_PIXELS;

  const priorFrame = input?.prior_frame;
  /** @type {string | undefined} */
  let motionNote;
  let prior = null;
  if (priorFrame === undefined) motionNote = 'no prior_frame';
  else if (!isRecord(priorFrame) || priorFrame.kind !== 'image' || typeof priorFrame.data_base64 !== 'string') {
    motionNote = 'prior_frame is not an image frame';
  } else {
    try {
      prior = decodePng(priorFrame.data_base64, 'prior_frame');
    } catch (error) {
      if (error instanceof RangeError) throw error;
      motionNote = `prior_frame does not decode: ${error instanceof Error ? error.message : error}`;
      ctx.warn(`frame-analysis: frame ${index}: motion skipped, ${motionNote}`);
    }
  }
  if (prior !== null && (prior.width !== image.width || prior.height !== image.height)) {
    motionNote = `prior_frame is ${prior.width}x${prior.height}, this frame ${image.width}x${image.height}`;
    ctx.warn(`frame-analysis: frame ${index}: motion skipped, ${motionNote}`);
    prior = null;
  }

  const passes = prior === null ? 1 : 2;
  /** @param {number} pass */
  const onRows = (pass) => (/** @type {number} */ rowsDone) => {
    if (ctx.signal?.aborted) throw new Error('frame-analysis: aborted');
    if (big) ctx.progress(Math.round((100 * (pass + rowsDone / image.height)) / passes));
  };
  const luminance = luminanceStats(image, onRows(0));
  if (luminance.translucent > 0) {
    ctx.warn(
      `frame-analysis: frame ${index}: ${luminance.translucent} pixel(s) are not opaque; luminance ignores alpha`,
    );
  }
  if (big) {
    ctx.partial({
      index,
      width: image.width,
      height: image.height,
      mean_luminance: luminance.mean,
      histogram: luminance.histogram,
    });
  }
  const motion = prior === null ? null : motionStats(image, prior, threshold, onRows(1));

  /** @type {Record<string, unknown>} */
  const out = {
    index,
    source,
    width: image.width,
    height: image.height,
    pixels,
    mean_luminance: luminance.mean,
    histogram: luminance.histogram,
    motion,
  };
  if (motionNote !== undefined && motion === null) out.motion_note = motionNote;
  if (typeof input?.fps === 'number' && input.fps > 0) out.time_ms = (index * 1000) / input.fps;
  return out;
}

/**
 * The PNG to analyse: an image frame's data, or — for a canvas frame after a rendering stage such
 * as whiteboard-thumbnail — the previous stage's `png_base64`.
 * @param {any} input
 * @returns {{base64: string, source: 'frame' | 'previous'}}
 */
function imageSource(input) {
  const frame = input?.frame;
  if (isRecord(frame) && frame.kind === 'image') {
    if (frame.mime !== 'image/png')
      throw new Error(`frame-analysis: only image/png frames; got ${JSON.stringify(frame.mime)}`);
    if (typeof frame.data_base64 !== 'string')
      throw new Error('frame-analysis: the image frame has no data_base64 string');
    return { base64: frame.data_base64, source: 'frame' };
  }
  if (isRecord(frame) && frame.kind === 'canvas' && typeof input.previous?.png_base64 === 'string') {
    return { base64: input.previous.png_base64, source: 'previous' };
  }
  throw new Error(
    'frame-analysis needs an image frame ({kind: "image", mime: "image/png", data_base64}), or a canvas frame ' +
      'after a stage whose output has png_base64 (e.g. whiteboard-thumbnail)',
  );
}
