import type { CanvasProps } from '@easel/harness';
import { type KeyboardEvent, type PointerEvent, useId, useRef, useState } from 'react';
import { newId } from '../lib/newId.ts';
import { ReadOnlyBadge } from '../lib/ReadOnlyBadge.tsx';
import { RejectedNotice } from '../lib/RejectedNotice.tsx';
import { PeerCursors } from './PeerCursors.tsx';
import { SHAPE_KINDS, type ShapeKind, type WhiteboardProjection, type WhiteboardShape } from './projectWhiteboard.ts';
import { ShapeView } from './ShapeView.tsx';
import { toWorld, VIEW_HEIGHT, VIEW_WIDTH } from './toWorld.ts';
import { useRenderedScale } from './useRenderedScale.ts';
import { ShapeTextField } from './ShapeTextField.tsx';
import { useShapeDrag } from './useShapeDrag.ts';
import {
  addShapeOps,
  deleteShapeOps,
  moveShapeOps,
  resizeShapeOps,
  type ShapeBox,
  setShapeTextOps,
} from './whiteboardOps.ts';
import { WHITEBOARD_THUMBNAIL_TOOL } from './whiteboardThumbnailTool.ts';
import { type ThumbnailState, WhiteboardThumbnail, type WhiteboardSidecars } from './WhiteboardThumbnail.tsx';

/** World units an arrow key moves (Alt: resizes) the selected shape (Shift: 1). */
const KEY_STEP = 10;

/** Thumbnail size asked of the plugin. */
const THUMBNAIL_PARAMS = { width: 320, height: 240 } as const;

/** Where the next new shape goes: staggered so new shapes do not cover each other. */
function placeNew(count: number, kind: ShapeKind): ShapeBox {
  const x = 40 + ((count * 24) % 480);
  const y = 40 + ((count * 24) % 280);
  return kind === 'line'
    ? { x, y, w: 160, h: 80 }
    : kind === 'text'
      ? { x, y, w: 160, h: 32 }
      : { x, y, w: 160, h: 100 };
}

/** Props of the whiteboard: the cartridge contract plus, from the host, how to open a stored thumbnail. */
export type WhiteboardCanvasProps = CanvasProps<WhiteboardProjection> & { sidecars?: WhiteboardSidecars };

/**
 * The whiteboard: shapes as SVG (create, move by drag or arrow keys, resize by the corner handle,
 * delete), peers' live cursors, and a thumbnail from the `whiteboard-thumbnail` plugin (shown when
 * the job stored it as a sidecar and the host passes `sidecars`). Every change is a `state.ops`
 * command on the `shapes` map.
 */
export function WhiteboardCanvas({ projection, emit, presence, readOnly, rejected, sidecars }: WhiteboardCanvasProps) {
  const headingId = useId();
  const hintId = useId();
  const textRef = useRef<HTMLInputElement | null>(null);
  const addShapeRef = useRef<HTMLButtonElement | null>(null);
  const svgRef = useRef<SVGSVGElement | null>(null);
  const [kind, setKind] = useState<ShapeKind>('rect');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [thumbnail, setThumbnail] = useState<ThumbnailState>({ kind: 'idle' });
  const { shapes, zoom } = projection;
  // Screen px per SVG unit as laid out (the SVG scales to its box): peers' cursors keep their size.
  const pxPerUnit = useRenderedScale(svgRef, VIEW_WIDTH / zoom) ?? zoom;
  const selected = shapes.find((s) => s.id === selectedId) ?? null;
  // What is on the board now (a text field that closes after its shape was deleted sends nothing).
  const shapesNow = useRef(shapes);
  shapesNow.current = shapes;

  function world(event: { clientX: number; clientY: number }) {
    const rect = svgRef.current?.getBoundingClientRect() ?? { left: 0, top: 0, width: 0, height: 0 };
    return toWorld(rect, event.clientX, event.clientY, zoom);
  }
  const drag = useShapeDrag({ shapes, emit, readOnly, svgRef, world, onGrab: setSelectedId });

  function addShape() {
    if (readOnly) return;
    const z = shapes.reduce((max, s) => Math.max(max, s.z), 0) + 1;
    const id = newId('shape');
    void emit.ops(
      addShapeOps(id, kind, placeNew(shapes.length, kind), { fill: projection.fill, stroke: projection.stroke, z }),
    );
    setSelectedId(id);
  }

  function deleteShape(id: string) {
    if (readOnly) return;
    void emit.ops(deleteShapeOps(id));
    setSelectedId(null);
  }

  /**
   * Deletes the focused shape from the keyboard; focus then goes to the next shape (else the previous
   * one, else "Add shape") instead of falling to the page.
   */
  async function deleteKeepingFocus(element: SVGGElement, id: string) {
    if (readOnly) return;
    const shapesShown = [...(element.parentElement?.querySelectorAll<SVGGElement>('g[role="button"]') ?? [])];
    const at = shapesShown.indexOf(element);
    const next = shapesShown[at + 1] ?? shapesShown[at - 1] ?? addShapeRef.current;
    setSelectedId(null);
    const result = await emit.ops(deleteShapeOps(id));
    const active = element.ownerDocument.activeElement;
    if (result.ok && (active === element || active === null || active === element.ownerDocument.body)) next?.focus();
  }

  function onPointerMove(event: PointerEvent<SVGSVGElement>) {
    // The cursor is in world units: a host layer must not overwrite it with its own pixels.
    event.stopPropagation();
    const at = world(event);
    presence.setCursor(at.x, at.y);
    drag.move(at);
  }

  function onShapeKey(event: KeyboardEvent<SVGGElement>, shape: WhiteboardShape) {
    const step = event.shiftKey ? 1 : KEY_STEP;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const move = Object.hasOwn(moves, event.key) ? moves[event.key] : undefined;
    if (move !== undefined) {
      event.preventDefault();
      // Alt+arrows resize from the far corner (the keyboard's way to the corner handle).
      const ops = event.altKey ? resizeShapeOps(shape, move[0], move[1]) : moveShapeOps(shape, move[0], move[1]);
      if (ops.length > 0) void emit.ops(ops);
    } else if (event.key === 'Enter' && shape.kind === 'text') {
      event.preventDefault();
      textRef.current?.focus();
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      void deleteKeepingFocus(event.currentTarget, shape.id);
    } else if (event.key === 'Escape') {
      setSelectedId(null);
    }
  }

  async function requestThumbnail() {
    setThumbnail({ kind: 'busy' });
    const result = await emit.tool(WHITEBOARD_THUMBNAIL_TOOL.id, {
      plugin: WHITEBOARD_THUMBNAIL_TOOL.plugin,
      tool: WHITEBOARD_THUMBNAIL_TOOL.tool,
      params: THUMBNAIL_PARAMS,
    });
    setThumbnail({ kind: 'done', result });
  }

  const viewW = VIEW_WIDTH / zoom;
  const viewH = VIEW_HEIGHT / zoom;
  return (
    <section className="easel-whiteboard" aria-labelledby={headingId}>
      <header className="easel-wb-header">
        <h2 id={headingId}>{projection.title === '' ? 'Whiteboard' : projection.title}</h2>
        <span className="easel-wb-count">
          {shapes.length} {shapes.length === 1 ? 'shape' : 'shapes'}
          {projection.skipped > 0 ? ` (${projection.skipped} not shown)` : ''}
        </span>
        <ReadOnlyBadge readOnly={readOnly} />
      </header>
      <RejectedNotice rejected={rejected} />
      {readOnly ? null : (
        <>
          <div className="easel-wb-toolbar" role="toolbar" aria-label="Whiteboard tools">
            <label>
              Shape
              <select value={kind} onChange={(e) => setKind(e.target.value as ShapeKind)}>
                {SHAPE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" data-testid="add-shape" ref={addShapeRef} onClick={addShape}>
              Add shape
            </button>
            <button
              type="button"
              data-testid="delete-shape"
              disabled={selected === null}
              onClick={() => selected && deleteShape(selected.id)}
            >
              Delete shape
            </button>
            <button
              type="button"
              data-testid="thumbnail"
              disabled={thumbnail.kind === 'busy'}
              onClick={() => void requestThumbnail()}
            >
              {WHITEBOARD_THUMBNAIL_TOOL.label}
            </button>
          </div>
          <WhiteboardThumbnail state={thumbnail} sidecars={sidecars} />
        </>
      )}
      <svg
        ref={svgRef}
        className="easel-wb-svg"
        aria-label="Whiteboard shapes"
        viewBox={`0 0 ${viewW} ${viewH}`}
        preserveAspectRatio="xMidYMid meet"
        // No text selection while dragging shapes (a drag otherwise highlights text shapes' text).
        style={{ width: '100%', height: 'auto', touchAction: 'none', userSelect: 'none', background: '#fafafa' }}
        onPointerMove={onPointerMove}
        onPointerUp={drag.end}
        onPointerCancel={drag.cancel}
        onPointerDown={(e) => {
          if (e.target === e.currentTarget) setSelectedId(null);
        }}
      >
        {projection.grid ? <Grid width={viewW} height={viewH} pxPerUnit={pxPerUnit} /> : null}
        {shapes.map((shape) => (
          <ShapeView
            key={shape.id}
            shape={shape}
            box={drag.boxOf(shape)}
            selected={shape.id === selectedId}
            readOnly={readOnly}
            defaults={{ fill: projection.fill, stroke: projection.stroke }}
            pxPerUnit={pxPerUnit}
            onPointerDown={(e, mode) => drag.start(e, shape, mode)}
            onKeyDown={(e) => onShapeKey(e, shape)}
            onSelect={() => setSelectedId(shape.id)}
            onEditText={shape.kind === 'text' ? () => textRef.current?.focus() : undefined}
            describedBy={readOnly ? undefined : hintId}
          />
        ))}
        <PeerCursors peers={presence.peers} pxPerUnit={pxPerUnit} />
      </svg>
      {readOnly ? null : (
        <>
          {selected?.kind === 'text' ? (
            <ShapeTextField
              key={selected.id}
              text={selected.text ?? ''}
              inputRef={textRef}
              onCommit={(text) => {
                if (shapesNow.current.some((s) => s.id === selected.id)) void emit.ops(setShapeTextOps(selected, text));
              }}
            />
          ) : null}
          <p className="easel-wb-hint" id={hintId}>
            Select a shape by clicking it or with Tab. Drag it, or use the arrow keys, to move it; drag its corner, or
            Alt+arrows, to resize it (Shift: by 1); Delete removes it; double-click or Enter edits a text shape.
          </p>
        </>
      )}
      {shapes.length === 0 ? (
        <p className="easel-wb-empty">{readOnly ? 'No shapes yet.' : 'No shapes yet: add one with “Add shape”.'}</p>
      ) : null}
    </section>
  );
}

function Grid({ width, height, pxPerUnit }: { width: number; height: number; pxPerUnit: number }) {
  const step = 40;
  const lines: { key: string; x1: number; y1: number; x2: number; y2: number }[] = [];
  for (let x = step; x < width && lines.length < 400; x += step)
    lines.push({ key: `x${x}`, x1: x, y1: 0, x2: x, y2: height });
  for (let y = step; y < height && lines.length < 800; y += step)
    lines.push({ key: `y${y}`, x1: 0, y1: y, x2: width, y2: y });
  return (
    <g className="easel-wb-grid" stroke="#e5e7eb" strokeWidth={1 / pxPerUnit} pointerEvents="none">
      {lines.map(({ key, ...l }) => (
        <line key={key} {...l} />
      ))}
    </g>
  );
}
