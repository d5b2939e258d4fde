// @ts-check
/**
 * Built-in plugin `whiteboard-thumbnail` (contract §9): renders a whiteboard snapshot frame to an
 * SVG string and a PNG (pngjs). Plain ESM for plain Node. Shapes: ../README.md; schemas: ./plugin.json.
 */
import { buildScene } from './buildScene.mjs';
import { pixelWorkOf, renderPng } from './renderPng.mjs';
import { renderSvg } from './renderSvg.mjs';
import { isRecord } from '../shared/whiteboardShapes.mjs';

/** Bounds of one call; bigger inputs are refused with an Error that names the limit. */
export const LIMITS = Object.freeze({
  /** Smallest and largest `params.width` / `params.height`, pixels. */
  minSide: 16,
  maxSide: 2048,
  /** Entries of the `shapes` root. */
  shapes: 10_000,
  /** Pixels all shapes may touch together (each shape's clipped box, summed). */
  pixelWork: 64_000_000,
  /** Largest `params.padding`, pixels. */
  maxPadding: 256,
});

/** Parameters used when `params` leaves them out. */
export const DEFAULTS = Object.freeze({ width: 320, height: 240, padding: 8, background: '#ffffff' });

/** Items drawn between two progress reports / abort checks. */
const PROGRESS_STEP = 250;

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
   * @param {any} input `{frame, index, fps?, previous?, prior_frame?, params?: {width?, height?, padding?, background?, viewport?}}`
   * @param {ToolContext} ctx
   */
  render: async (input, ctx) => renderThumbnail(input, ctx),
};

/**
 * @param {any} input
 * @param {ToolContext} ctx
 */
export function renderThumbnail(input, ctx) {
  const frame = input?.frame;
  if (!isRecord(frame) || frame.kind !== 'canvas') {
    throw new Error(`whiteboard-thumbnail needs a canvas frame ({kind: 'canvas', ...}); got ${describe(frame)}`);
  }
  const state = isRecord(frame.state) ? frame.state : {};
  const tokens = isRecord(frame.tokens) ? frame.tokens : {};
  if (frame.canvas_type !== 'whiteboard') {
    ctx.warn(
      `whiteboard-thumbnail: canvas type '${String(frame.canvas_type)}' is not a whiteboard; drawing its shapes root`,
    );
  }
  const params = readParams(input.params);
  const shapeCount = isRecord(state.shapes) ? Object.keys(state.shapes).length : 0;
  if (shapeCount > LIMITS.shapes) {
    throw new Error(`whiteboard-thumbnail: ${shapeCount} shapes; the limit is ${LIMITS.shapes}`);
  }
  const scene = buildScene(state, tokens, params);
  const { counts } = scene;
  if (counts.no_geometry > 0)
    ctx.warn(`whiteboard-thumbnail: ${counts.no_geometry} shape(s) without finite x, y, w, h were skipped`);
  if (counts.unknown_kind > 0)
    ctx.warn(`whiteboard-thumbnail: ${counts.unknown_kind} shape(s) of unknown kind drawn as outlines`);
  if (counts.bad_color > 0)
    ctx.warn(`whiteboard-thumbnail: ${counts.bad_color} colour(s) not #rgb/#rrggbb[aa]; defaults used`);

  let work = 0;
  for (const item of scene.items) work += pixelWorkOf(scene, item);
  if (work > LIMITS.pixelWork) {
    throw new Error(
      `whiteboard-thumbnail: the shapes would paint ${work} pixels in total; the limit is ${LIMITS.pixelWork} (use a smaller width/height)`,
    );
  }
  const svg = renderSvg(scene);
  const total = scene.items.length;
  const png = renderPng(scene, (done) => {
    if (done % PROGRESS_STEP !== 0 && done !== total) return;
    if (ctx.signal?.aborted) throw new Error('whiteboard-thumbnail: aborted');
    if (total >= PROGRESS_STEP) ctx.progress(Math.round((90 * done) / total));
  });
  /** @type {Record<string, unknown>} */
  const out = {
    index: Number.isInteger(input.index) ? input.index : 0,
    width: scene.width,
    height: scene.height,
    svg,
    png_base64: png.toString('base64'),
    view: scene.view,
    scale: scene.scale,
    shapes_drawn: scene.items.length,
    shapes_skipped: counts.no_geometry + counts.hidden,
  };
  if (typeof input.fps === 'number' && input.fps > 0) out.time_ms = (Number(out.index) * 1000) / input.fps;
  return out;
}

/**
 * @param {unknown} raw
 * @returns {import('./buildScene.mjs').SceneOptions}
 */
function readParams(raw) {
  const params = isRecord(raw) ? raw : {};
  const side = (/** @type {string} */ name, /** @type {number} */ fallback) => {
    const v = params[name] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < LIMITS.minSide || v > LIMITS.maxSide) {
      throw new Error(
        `whiteboard-thumbnail: params.${name} must be an integer from ${LIMITS.minSide} to ${LIMITS.maxSide}; got ${JSON.stringify(v)}`,
      );
    }
    return v;
  };
  const padding = params.padding ?? DEFAULTS.padding;
  if (typeof padding !== 'number' || !(padding >= 0 && padding <= LIMITS.maxPadding)) {
    throw new Error(
      `whiteboard-thumbnail: params.padding must be from 0 to ${LIMITS.maxPadding}; got ${JSON.stringify(padding)}`,
    );
  }
  let viewport;
  if (params.viewport !== undefined) {
    const v = params.viewport;
    const ok =
      isRecord(v) &&
      [v.x, v.y, v.w, v.h].every((n) => typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= 1e9) &&
      Number(v.w) > 0 &&
      Number(v.h) > 0;
    if (!ok) throw new Error('whiteboard-thumbnail: params.viewport must be {x, y, w > 0, h > 0} within ±1e9');
    viewport = { x: Number(v.x), y: Number(v.y), w: Number(v.w), h: Number(v.h) };
  }
  return {
    width: side('width', DEFAULTS.width),
    height: side('height', DEFAULTS.height),
    padding,
    background: params.background ?? DEFAULTS.background,
    viewport,
  };
}

/** @param {unknown} frame */
function describe(frame) {
  if (!isRecord(frame)) return frame === undefined ? 'no frame' : `a ${Array.isArray(frame) ? 'list' : typeof frame}`;
  return typeof frame.kind === 'string' ? `a frame of kind '${frame.kind}'` : 'a frame without kind';
}
