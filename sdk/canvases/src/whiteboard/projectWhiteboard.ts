import type { JsonValue } from '@easel/schemas';
import {
  compareStrings,
  isRecord,
  MAX_COORDINATE,
  readBoolean,
  readColor,
  readNumber,
  readString,
} from '../lib/readJson.ts';

/** Shape kinds drawn as such; any other kind is drawn as a dashed placeholder box. */
export const SHAPE_KINDS = ['rect', 'ellipse', 'line', 'text'] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];

/** Most shapes drawn (the thumbnail plugin refuses more than 10 000 too). */
export const MAX_DRAWN_SHAPES = 10_000;

/**
 * One shape, normalized like the `whiteboard-thumbnail` plugin reads it: `x, y, w, h` as stored (a line
 * runs from (x, y) to (x + w, y + h), so `w`/`h` may be negative), `width`/`height` and a line's
 * `x1, y1, x2, y2` also read.
 */
export interface WhiteboardShape {
  id: string;
  kind: string;
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string | null;
  stroke: string | null;
  strokeWidth: number | null;
  text: string | null;
  layer: string | null;
  z: number;
  /** True when `x, y, w, h` are stored as such (a move or resize need only set those fields). */
  plainGeometry: boolean;
}

export interface WhiteboardLayer {
  id: string;
  visible: boolean;
}

/** The typed projection the whiteboard component renders. */
export interface WhiteboardProjection {
  title: string;
  /** Shapes in draw order (no layer first, then layer by layer, inside by z then id); hidden layers left out. */
  shapes: WhiteboardShape[];
  layers: WhiteboardLayer[];
  /** Entries of `shapes` that were skipped: no geometry, a hidden layer, or past {@link MAX_DRAWN_SHAPES}. */
  skipped: number;
  stroke: string;
  fill: string;
  grid: boolean;
  zoom: number;
}

/** The kind of a stored shape: `kind` (or `type`), else `unknown`. */
export function shapeKindOf(value: unknown): string {
  if (!isRecord(value)) return 'unknown';
  const kind = readString(value.kind) ?? readString(value.type);
  return kind === undefined || kind.length === 0 ? 'unknown' : kind.slice(0, 64);
}

/** Reads one entry of the `shapes` map; null when it has no finite geometry. */
export function readShape(id: string, value: unknown): WhiteboardShape | null {
  if (!isRecord(value)) return null;
  const kind = shapeKindOf(value);
  let x = readNumber(value.x);
  let y = readNumber(value.y);
  let w = readNumber(value.w) ?? readNumber(value.width);
  let h = readNumber(value.h) ?? readNumber(value.height);
  const plainGeometry =
    readNumber(value.x) !== undefined &&
    readNumber(value.y) !== undefined &&
    readNumber(value.w) !== undefined &&
    readNumber(value.h) !== undefined;
  if (kind === 'line' && (x === undefined || w === undefined)) {
    const x1 = readNumber(value.x1);
    const y1 = readNumber(value.y1);
    const x2 = readNumber(value.x2);
    const y2 = readNumber(value.y2);
    if (x1 !== undefined && y1 !== undefined && x2 !== undefined && y2 !== undefined) {
      x = x1;
      y = y1;
      w = x2 - x1;
      h = y2 - y1;
    }
  }
  if (x === undefined || y === undefined || w === undefined || h === undefined) return null;
  if (Math.abs(w) > MAX_COORDINATE || Math.abs(h) > MAX_COORDINATE) return null;
  const strokeWidth = readNumber(value.stroke_width) ?? readNumber(value.strokeWidth);
  return {
    id,
    kind,
    x,
    y,
    w,
    h,
    fill: readColor(value.fill) ?? readColor(value.color) ?? null,
    stroke: readColor(value.stroke) ?? null,
    strokeWidth: strokeWidth !== undefined && strokeWidth >= 0 ? Math.min(strokeWidth, 1000) : null,
    text: readString(value.text) ?? readString(value.label) ?? null,
    layer: readString(value.layer) ?? null,
    z: readNumber(value.z) ?? 0,
    plainGeometry,
  };
}

/** Reads the `layers` array: each entry a layer id or `{id, visible?, hidden?}`; others skipped. */
export function readLayers(value: unknown): WhiteboardLayer[] {
  if (!Array.isArray(value)) return [];
  const out: WhiteboardLayer[] = [];
  const seen = new Set<string>();
  for (const entry of value) {
    const id = typeof entry === 'string' ? entry : isRecord(entry) ? readString(entry.id) : undefined;
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    const visible = isRecord(entry) ? entry.visible !== false && entry.hidden !== true : true;
    out.push({ id, visible });
  }
  return out;
}

/** The whiteboard projection of a canvas's JSON state and tokens. Never throws. */
export function projectWhiteboard(
  state: Record<string, JsonValue>,
  tokens: Record<string, JsonValue>,
): WhiteboardProjection {
  const layers = readLayers(state.layers);
  const rank = new Map(layers.map((layer, i) => [layer.id, i]));
  const hidden = new Set(layers.filter((l) => !l.visible).map((l) => l.id));
  const stored = isRecord(state.shapes) ? state.shapes : {};
  const shapes: WhiteboardShape[] = [];
  let skipped = 0;
  for (const [id, value] of Object.entries(stored)) {
    const shape = readShape(id, value);
    if (shape === null || (shape.layer !== null && hidden.has(shape.layer))) skipped++;
    else shapes.push(shape);
  }
  const rankOf = (s: WhiteboardShape) => (s.layer === null ? -1 : (rank.get(s.layer) ?? -1));
  shapes.sort((a, b) => rankOf(a) - rankOf(b) || a.z - b.z || compareStrings(a.id, b.id));
  if (shapes.length > MAX_DRAWN_SHAPES) {
    skipped += shapes.length - MAX_DRAWN_SHAPES;
    shapes.length = MAX_DRAWN_SHAPES;
  }
  const zoom = readNumber(tokens['view.zoom']);
  return {
    title: readString(tokens['plan.title']) ?? '',
    shapes,
    layers,
    skipped,
    stroke: readColor(tokens['style.stroke']) ?? '#111827',
    fill: readColor(tokens['style.fill']) ?? '#ffffff',
    grid: readBoolean(tokens['style.grid']) ?? true,
    zoom: zoom !== undefined && zoom >= 0.1 && zoom <= 8 ? zoom : 1,
  };
}
