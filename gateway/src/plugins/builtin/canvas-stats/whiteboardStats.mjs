// @ts-check
import { isRecord, readLayers, readShape, shapeKindOf } from '../shared/whiteboardShapes.mjs';

/**
 * Whiteboard statistics (see ../README.md, "Whiteboard shapes").
 * @typedef {object} WhiteboardStats
 * @property {number} shapes
 * @property {Record<string, number>} shapes_by_kind
 * @property {{x: number, y: number, w: number, h: number} | null} bbox
 * @property {number} total_area
 * @property {number} without_geometry
 * @property {number} layers
 * @property {Record<string, number>} shapes_by_layer
 * @property {number} unlayered
 */

/**
 * Statistics of a whiteboard's `shapes` and `layers` roots. `total_area` sums each shape's own
 * area (rect and text `|w·h|`, ellipse `π/4·|w·h|`, line 0, other kinds their box), overlaps counted
 * twice; `bbox` covers every shape with geometry.
 * @param {unknown} shapes the `shapes` root (a map)
 * @param {unknown} layers the `layers` root (an array)
 * @returns {WhiteboardStats}
 */
export function whiteboardStats(shapes, layers) {
  /** @type {Record<string, number>} */
  const byKind = Object.create(null);
  /** @type {Record<string, number>} */
  const byLayer = Object.create(null);
  const layerList = readLayers(layers);
  for (const layer of layerList) byLayer[layer.id] = 0;
  let count = 0;
  let withoutGeometry = 0;
  let unlayered = 0;
  let area = 0;
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const [id, value] of Object.entries(isRecord(shapes) ? shapes : {})) {
    count++;
    const kind = shapeKindOf(value);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    const layer = isRecord(value) && typeof value.layer === 'string' ? value.layer : undefined;
    if (layer === undefined) unlayered++;
    else byLayer[layer] = (byLayer[layer] ?? 0) + 1;
    const shape = readShape(id, value);
    if (shape === null) {
      withoutGeometry++;
      continue;
    }
    const boxArea = (shape.box.x1 - shape.box.x0) * (shape.box.y1 - shape.box.y0);
    area += kind === 'line' ? 0 : kind === 'ellipse' ? (Math.PI / 4) * boxArea : boxArea;
    x0 = Math.min(x0, shape.box.x0);
    y0 = Math.min(y0, shape.box.y0);
    x1 = Math.max(x1, shape.box.x1);
    y1 = Math.max(y1, shape.box.y1);
  }
  return {
    shapes: count,
    shapes_by_kind: { ...byKind },
    bbox: x0 <= x1 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null,
    total_area: area,
    without_geometry: withoutGeometry,
    layers: layerList.length,
    shapes_by_layer: { ...byLayer },
    unlayered,
  };
}
