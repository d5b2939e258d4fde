import type { StateOp } from '@easel/schemas';
import type { ShapeKind, WhiteboardShape } from './projectWhiteboard.ts';

/** The `shapes` root name (map). */
export const SHAPES_ROOT = 'shapes';

/** Smallest width/height a resize leaves (world units). */
export const MIN_SHAPE_SIZE = 4;

/** Geometry of a new or changed shape, in world units. */
export interface ShapeBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Rounds to 1/100 of a world unit (keeps stored numbers short and stable). */
export function roundCoord(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Inserts a new shape `{kind, x, y, w, h, fill, stroke, z}` (text shapes get `text`). */
export function addShapeOps(
  id: string,
  kind: ShapeKind,
  box: ShapeBox,
  style: { fill: string; stroke: string; z: number },
): StateOp[] {
  const value: Record<string, string | number> = {
    kind,
    x: roundCoord(box.x),
    y: roundCoord(box.y),
    w: roundCoord(box.w),
    h: roundCoord(box.h),
    fill: style.fill,
    stroke: style.stroke,
    z: style.z,
  };
  if (kind === 'text') value.text = 'Text';
  return [{ op: 'insert', root: SHAPES_ROOT, key: id, value }];
}

/**
 * Sets a shape's geometry by path. Only the changed fields when `x, y, w, h` are stored as such;
 * all four otherwise (so a shape stored as `width`/`height` or a line's `x1..y2` reads the new box).
 */
export function setGeometryOps(shape: WhiteboardShape, box: ShapeBox): StateOp[] {
  const next = { x: roundCoord(box.x), y: roundCoord(box.y), w: roundCoord(box.w), h: roundCoord(box.h) };
  const ops: StateOp[] = [];
  for (const field of ['x', 'y', 'w', 'h'] as const) {
    if (!shape.plainGeometry || next[field] !== shape[field]) {
      ops.push({ op: 'update', root: SHAPES_ROOT, key: shape.id, path: [field], value: next[field] });
    }
  }
  return ops;
}

/** Moves a shape by (dx, dy). */
export function moveShapeOps(shape: WhiteboardShape, dx: number, dy: number): StateOp[] {
  return setGeometryOps(shape, { x: shape.x + dx, y: shape.y + dy, w: shape.w, h: shape.h });
}

/**
 * Resizes a shape by dragging its far corner by (dx, dy). Boxes keep at least {@link MIN_SHAPE_SIZE};
 * lines may point any way (their `w`/`h` are signed).
 */
export function resizeShapeOps(shape: WhiteboardShape, dx: number, dy: number): StateOp[] {
  return setGeometryOps(shape, resizedBox(shape, dx, dy));
}

/** The box after dragging the far corner by (dx, dy). */
export function resizedBox(shape: WhiteboardShape, dx: number, dy: number): ShapeBox {
  if (shape.kind === 'line') return { x: shape.x, y: shape.y, w: shape.w + dx, h: shape.h + dy };
  return {
    x: shape.x,
    y: shape.y,
    w: Math.max(MIN_SHAPE_SIZE, shape.w + dx),
    h: Math.max(MIN_SHAPE_SIZE, shape.h + dy),
  };
}

/** Longest text a text shape keeps. */
export const MAX_SHAPE_TEXT = 500;

/** Sets a text shape's text (by path: shapes are stored as objects). */
export function setShapeTextOps(shape: WhiteboardShape, text: string): StateOp[] {
  return [{ op: 'update', root: SHAPES_ROOT, key: shape.id, path: ['text'], value: text.slice(0, MAX_SHAPE_TEXT) }];
}

/** Deletes a shape. */
export function deleteShapeOps(id: string): StateOp[] {
  return [{ op: 'delete', root: SHAPES_ROOT, key: id }];
}
