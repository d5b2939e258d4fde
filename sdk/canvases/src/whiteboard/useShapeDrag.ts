import type { CommandEmitter } from '@easel/harness';
import { type PointerEvent, type RefObject, useState } from 'react';
import type { WhiteboardShape } from './projectWhiteboard.ts';
import { moveShapeOps, resizedBox, resizeShapeOps, type ShapeBox } from './whiteboardOps.ts';

interface Drag {
  id: string;
  mode: 'move' | 'resize';
  startX: number;
  startY: number;
  dx: number;
  dy: number;
}

/** A dropped shape's geometry, drawn until its command is answered (state.ops is not optimistic). */
interface Settling {
  id: string;
  box: ShapeBox;
}

function boxOf(shape: WhiteboardShape, drag: Drag | null, settling: Settling | null): ShapeBox {
  if (settling !== null && settling.id === shape.id && (drag === null || drag.id !== shape.id)) return settling.box;
  if (drag === null || drag.id !== shape.id) return { x: shape.x, y: shape.y, w: shape.w, h: shape.h };
  if (drag.mode === 'move') return { x: shape.x + drag.dx, y: shape.y + drag.dy, w: shape.w, h: shape.h };
  return resizedBox(shape, drag.dx, drag.dy);
}

/** Options of {@link useShapeDrag}. */
export interface ShapeDragOptions {
  /** The shapes on the board now. */
  shapes: readonly WhiteboardShape[];
  emit: CommandEmitter;
  /** No drag starts when true. */
  readOnly: boolean;
  /** The SVG the pointer is captured on while dragging. */
  svgRef: RefObject<SVGSVGElement | null>;
  /** A pointer position in world units. */
  world: (event: { clientX: number; clientY: number }) => { x: number; y: number };
  /** A drag started on this shape (it becomes the selection). */
  onGrab: (id: string) => void;
}

/** What {@link useShapeDrag} gives the whiteboard. */
export interface ShapeDrag {
  /** The geometry to draw for `shape`: its stored box, the drag preview, or the dropped box until answered. */
  boxOf: (shape: WhiteboardShape) => ShapeBox;
  /** A shape's (mode `move`) or its corner handle's (mode `resize`) `pointerdown`. */
  start: (event: PointerEvent<SVGElement>, shape: WhiteboardShape, mode: Drag['mode']) => void;
  /** The pointer moved to `at` (world units). */
  move: (at: { x: number; y: number }) => void;
  /** The SVG's `pointerup`: sends the move or resize as one `state.ops` command. */
  end: (event: PointerEvent<SVGSVGElement>) => void;
  /** The SVG's `pointercancel`: drops the drag. */
  cancel: () => void;
}

/**
 * Dragging shapes with the pointer: moving a shape or resizing it by its corner handle. The
 * preview is local state; on release one `state.ops` command is sent, and the dropped geometry is
 * drawn until it is answered so the shape does not jump back meanwhile.
 */
export function useShapeDrag({ shapes, emit, readOnly, svgRef, world, onGrab }: ShapeDragOptions): ShapeDrag {
  const [drag, setDrag] = useState<Drag | null>(null);
  const [settling, setSettling] = useState<Settling | null>(null);

  function start(event: PointerEvent<SVGElement>, shape: WhiteboardShape, mode: Drag['mode']) {
    if (readOnly || event.button > 0) return;
    event.preventDefault();
    const at = world(event);
    onGrab(shape.id);
    setDrag({ id: shape.id, mode, startX: at.x, startY: at.y, dx: 0, dy: 0 });
    try {
      svgRef.current?.setPointerCapture?.(event.pointerId);
    } catch {
      // capture is a nicety (the pointer may already be gone)
    }
  }

  function move(at: { x: number; y: number }) {
    if (drag !== null) setDrag({ ...drag, dx: at.x - drag.startX, dy: at.y - drag.startY });
  }

  function end(event: PointerEvent<SVGSVGElement>) {
    if (drag === null) return;
    const at = world(event);
    const dx = at.x - drag.startX;
    const dy = at.y - drag.startY;
    setDrag(null);
    const shape = shapes.find((s) => s.id === drag.id);
    if (shape === undefined || (dx === 0 && dy === 0)) return;
    const ops = drag.mode === 'move' ? moveShapeOps(shape, dx, dy) : resizeShapeOps(shape, dx, dy);
    if (ops.length === 0) return;
    const pending = { id: shape.id, box: boxOf(shape, { ...drag, dx, dy }, null) };
    setSettling(pending);
    void emit.ops(ops).finally(() => setSettling((current) => (current === pending ? null : current)));
  }

  return {
    boxOf: (shape) => boxOf(shape, drag, settling),
    start,
    move,
    end,
    cancel: () => setDrag(null),
  };
}
