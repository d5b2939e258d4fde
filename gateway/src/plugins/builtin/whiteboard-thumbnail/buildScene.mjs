// @ts-check
import { parseColor } from './colors.mjs';
import { isRecord, KNOWN_SHAPE_KINDS, readLayers, readShape } from '../shared/whiteboardShapes.mjs';

/** @typedef {import('./colors.mjs').Rgba} Rgba */
/** @typedef {import('../shared/whiteboardShapes.mjs').Shape} Shape */

/**
 * One shape to draw, colours resolved. `draw` is the kind, or `placeholder` for unknown kinds.
 * @typedef {object} DrawItem
 * @property {Shape} shape
 * @property {'rect' | 'ellipse' | 'line' | 'text' | 'placeholder'} draw
 * @property {Rgba} fill
 * @property {Rgba} stroke
 * @property {number} strokeWidth world units
 */

/** The world rectangle shown: device `(wx - x) * scale`. */
/** @typedef {{x: number, y: number, w: number, h: number}} View */

/**
 * @typedef {object} Scene
 * @property {number} width device pixels
 * @property {number} height device pixels
 * @property {number} scale device pixels per world unit
 * @property {View} view
 * @property {Rgba} background
 * @property {DrawItem[]} items in paint order
 * @property {{no_geometry: number, hidden: number, unknown_kind: number, bad_color: number}} counts
 */

/**
 * @typedef {object} SceneOptions
 * @property {number} width
 * @property {number} height
 * @property {number} padding device pixels around the fitted content
 * @property {unknown} background
 * @property {View | undefined} viewport world rectangle to show instead of fitting the content
 */

const FALLBACK = Object.freeze({ fill: '#ffffff', stroke: '#111827', background: '#ffffff' });
const DEFAULT_STROKE_WIDTH = Object.freeze({ rect: 1, ellipse: 1, line: 2, text: 1, placeholder: 1 });

/**
 * Reads a whiteboard snapshot into paint-ordered draw items and fits the view. Paint order: shapes
 * without a (known) layer first, then layer by layer in `layers` order; inside those by `z`, then id.
 * Shapes on a hidden layer are left out. Colours (README, "Whiteboard shapes"): rect/ellipse fill
 * `fill ?? color ?? token style.fill`, stroke `stroke ?? (color or fill given ? none : token style.stroke)`;
 * line and text `stroke ?? color ?? token style.stroke`.
 * @param {Record<string, unknown>} state
 * @param {Record<string, unknown>} tokens
 * @param {SceneOptions} options
 * @returns {Scene}
 */
export function buildScene(state, tokens, options) {
  const counts = { no_geometry: 0, hidden: 0, unknown_kind: 0, bad_color: 0 };
  /** @param {unknown} value @param {string} fallback @returns {Rgba} */
  const color = (value, fallback) => {
    if (value === undefined) return /** @type {Rgba} */ (parseColor(fallback));
    const parsed = parseColor(value);
    if (parsed !== null) return parsed;
    counts.bad_color++;
    return /** @type {Rgba} */ (parseColor(fallback));
  };
  const tokenFill = parseColor(tokens['style.fill']) !== null ? String(tokens['style.fill']) : FALLBACK.fill;
  const tokenStroke = parseColor(tokens['style.stroke']) !== null ? String(tokens['style.stroke']) : FALLBACK.stroke;

  const layers = readLayers(state.layers);
  const rank = new Map(layers.map((layer, i) => [layer.id, i]));
  const hidden = new Set(layers.filter((l) => !l.visible).map((l) => l.id));
  /** @type {{item: DrawItem, rank: number}[]} */
  const ranked = [];
  for (const [id, value] of Object.entries(isRecord(state.shapes) ? state.shapes : {})) {
    const shape = readShape(id, value);
    if (shape === null) {
      counts.no_geometry++;
      continue;
    }
    if (shape.layer !== undefined && hidden.has(shape.layer)) {
      counts.hidden++;
      continue;
    }
    const known = KNOWN_SHAPE_KINDS.includes(shape.kind);
    if (!known) counts.unknown_kind++;
    const draw = /** @type {DrawItem['draw']} */ (known ? shape.kind : 'placeholder');
    const painted = shape.color !== undefined || shape.fill !== undefined;
    /** @type {DrawItem} */
    const item =
      draw === 'rect' || draw === 'ellipse'
        ? {
            shape,
            draw,
            fill: color(shape.fill ?? shape.color, tokenFill),
            stroke: color(shape.stroke, painted ? 'none' : tokenStroke),
            strokeWidth: shape.strokeWidth ?? DEFAULT_STROKE_WIDTH[draw],
          }
        : {
            shape,
            draw,
            fill: color('none', 'none'),
            stroke: color(shape.stroke ?? shape.color, tokenStroke),
            strokeWidth: shape.strokeWidth ?? DEFAULT_STROKE_WIDTH[draw],
          };
    ranked.push({ item, rank: shape.layer !== undefined ? (rank.get(shape.layer) ?? -1) : -1 });
  }
  ranked.sort(
    (a, b) => a.rank - b.rank || a.item.shape.z - b.item.shape.z || compare(a.item.shape.id, b.item.shape.id),
  );
  const items = ranked.map((r) => r.item);
  const { view, scale } = fitView(items, options);
  return {
    width: options.width,
    height: options.height,
    scale,
    view,
    background: color(options.background, FALLBACK.background),
    items,
    counts,
  };
}

/** @param {string} a @param {string} b */
function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The view: `options.viewport`, else the content's box (strokes included) fitted inside the
 * padded device area, centred, aspect kept; an empty board shows world (0, 0) at scale 1.
 * @param {DrawItem[]} items
 * @param {SceneOptions} options
 * @returns {{view: View, scale: number}}
 */
function fitView(items, options) {
  const { width, height } = options;
  let box = options.viewport;
  if (box === undefined) {
    let x0 = Number.POSITIVE_INFINITY;
    let y0 = Number.POSITIVE_INFINITY;
    let x1 = Number.NEGATIVE_INFINITY;
    let y1 = Number.NEGATIVE_INFINITY;
    for (const { shape, strokeWidth, stroke } of items) {
      const margin = stroke.a > 0 ? strokeWidth / 2 : 0;
      x0 = Math.min(x0, shape.box.x0 - margin);
      y0 = Math.min(y0, shape.box.y0 - margin);
      x1 = Math.max(x1, shape.box.x1 + margin);
      y1 = Math.max(y1, shape.box.y1 + margin);
    }
    if (x0 > x1) return { view: { x: 0, y: 0, w: width, h: height }, scale: 1 };
    box = { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  }
  const padding = options.viewport === undefined ? Math.min(options.padding, (Math.min(width, height) - 1) / 2) : 0;
  const w = Math.max(box.w, box.h / 1000, 1e-6);
  const h = Math.max(box.h, box.w / 1000, 1e-6);
  const scale = Math.min((width - 2 * padding) / w, (height - 2 * padding) / h);
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const view = { x: cx - width / scale / 2, y: cy - height / scale / 2, w: width / scale, h: height / scale };
  return { view, scale };
}
