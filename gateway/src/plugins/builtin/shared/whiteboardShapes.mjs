// @ts-check
/**
 * How a whiteboard's roots read as shapes and layers (see ../README.md, "Whiteboard shapes").
 *
 * Shared by `canvas-stats/` and `whiteboard-thumbnail/`, which import it by relative path: the
 * sandbox runs each entry with plain Node, whose ESM loader reads files outside the plugin folder
 * (as it resolves `pngjs` from `gateway/node_modules`). `shared/` is not a plugin:
 * `builtinPluginFolders()` lists only `BUILTIN_PLUGIN_NAMES`.
 */

/** Shape kinds drawn as such; any other kind is counted and drawn as a placeholder box. */
export const KNOWN_SHAPE_KINDS = Object.freeze(['rect', 'ellipse', 'line', 'text']);

/**
 * One shape, normalized. `x, y, w, h` as stored (a line runs from (x, y) to (x + w, y + h), so
 * `w`/`h` may be negative); `box` is the normalized bounding box.
 * @typedef {object} Shape
 * @property {string} id
 * @property {string} kind
 * @property {number} x
 * @property {number} y
 * @property {number} w
 * @property {number} h
 * @property {{x0: number, y0: number, x1: number, y1: number}} box
 * @property {string | undefined} color
 * @property {string | undefined} fill
 * @property {string | undefined} stroke
 * @property {number | undefined} strokeWidth
 * @property {string | undefined} text
 * @property {string | undefined} layer
 * @property {number} z
 */

/** @typedef {{id: string, visible: boolean}} Layer */

/** @param {unknown} v @returns {v is Record<string, unknown>} */
export function isRecord(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Coordinates and sizes beyond ±1e9 are not geometry (they would overflow sums and pixels). */
export const MAX_COORDINATE = 1e9;

/** @param {unknown} v @returns {number | undefined} */
function finite(v) {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_COORDINATE ? v : undefined;
}

/** @param {unknown} v @returns {string | undefined} */
function str(v) {
  return typeof v === 'string' ? v : undefined;
}

/**
 * The kind of a stored shape: its `kind` (or `type`) string, else `unknown`.
 * @param {unknown} value
 * @returns {string}
 */
export function shapeKindOf(value) {
  if (!isRecord(value)) return 'unknown';
  const kind = str(value.kind) ?? str(value.type);
  return kind === undefined || kind.length === 0 ? 'unknown' : kind.slice(0, 64);
}

/**
 * Reads one entry of the `shapes` map; null when it has no finite geometry.
 * Geometry: `x, y, w, h` (`width`/`height` also read), each within ±{@link MAX_COORDINATE}; a line
 * may instead give `x1, y1, x2, y2`.
 * @param {string} id
 * @param {unknown} value
 * @returns {Shape | null}
 */
export function readShape(id, value) {
  if (!isRecord(value)) return null;
  const kind = shapeKindOf(value);
  let x = finite(value.x);
  let y = finite(value.y);
  let w = finite(value.w) ?? finite(value.width);
  let h = finite(value.h) ?? finite(value.height);
  if (kind === 'line' && (x === undefined || w === undefined)) {
    const x1 = finite(value.x1);
    const y1 = finite(value.y1);
    const x2 = finite(value.x2);
    const y2 = finite(value.y2);
    if (x1 !== undefined && y1 !== undefined && x2 !== undefined && y2 !== undefined) {
      x = x1;
      y = y1;
      w = x2 - x1;
      h = y2 - y1;
    }
  }
  if (x === undefined || y === undefined || w === undefined || h === undefined) return null;
  if (Math.abs(w) > MAX_COORDINATE || Math.abs(h) > MAX_COORDINATE) return null;
  const strokeWidth = finite(value.stroke_width) ?? finite(value.strokeWidth);
  return {
    id,
    kind,
    x,
    y,
    w,
    h,
    box: { x0: Math.min(x, x + w), y0: Math.min(y, y + h), x1: Math.max(x, x + w), y1: Math.max(y, y + h) },
    color: str(value.color),
    fill: str(value.fill),
    stroke: str(value.stroke),
    strokeWidth: strokeWidth !== undefined && strokeWidth >= 0 ? strokeWidth : undefined,
    text: str(value.text) ?? str(value.label),
    layer: str(value.layer),
    z: finite(value.z) ?? 0,
  };
}

/**
 * Reads the `layers` array: each entry a layer id string or `{id, visible?}`; others are skipped.
 * @param {unknown} value
 * @returns {Layer[]}
 */
export function readLayers(value) {
  if (!Array.isArray(value)) return [];
  /** @type {Layer[]} */
  const layers = [];
  for (const entry of value) {
    if (typeof entry === 'string') layers.push({ id: entry, visible: true });
    else if (isRecord(entry) && typeof entry.id === 'string') {
      layers.push({ id: entry.id, visible: entry.visible !== false && entry.hidden !== true });
    }
  }
  return layers;
}
