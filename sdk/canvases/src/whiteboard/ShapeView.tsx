import type { KeyboardEvent, PointerEvent } from 'react';
import type { ShapeBox } from './whiteboardOps.ts';
import type { WhiteboardShape } from './projectWhiteboard.ts';

/** Size of the resize handle, in screen pixels (divided by `pxPerUnit` for world units). */
const HANDLE_PX = 10;

export interface ShapeViewProps {
  shape: WhiteboardShape;
  /** The geometry to draw (the stored one, or a drag preview). */
  box: ShapeBox;
  selected: boolean;
  readOnly: boolean;
  defaults: { fill: string; stroke: string };
  /** Screen pixels per SVG unit as laid out: handles and the selection outline keep their screen size. */
  pxPerUnit: number;
  onPointerDown?: (event: PointerEvent<SVGElement>, mode: 'move' | 'resize') => void;
  onKeyDown?: (event: KeyboardEvent<SVGGElement>) => void;
  onSelect?: () => void;
  /** A double click on the shape (text shapes: edit the text). */
  onEditText?: () => void;
  /** The id of the element that says how to use a selected shape (`aria-describedby`). */
  describedBy?: string;
}

/** Describes a shape for assistive technology: kind, text and position. */
export function describeShape(shape: WhiteboardShape, box: ShapeBox): string {
  const text = shape.text === null || shape.text === '' ? '' : ` "${shape.text.slice(0, 40)}"`;
  return `${shape.kind}${text} at ${Math.round(box.x)}, ${Math.round(box.y)}, ${Math.round(Math.abs(box.w))} by ${Math.round(Math.abs(box.h))}`;
}

/** One shape in the whiteboard's SVG (`data-testid="shape-<id>"`), with its resize handle when selected. */
export function ShapeView(props: ShapeViewProps) {
  const { shape, box, selected, readOnly, defaults, pxPerUnit } = props;
  const fill = shape.fill ?? defaults.fill;
  const stroke = shape.stroke ?? defaults.stroke;
  const strokeWidth = shape.strokeWidth ?? 2;
  const x0 = Math.min(box.x, box.x + box.w);
  const y0 = Math.min(box.y, box.y + box.h);
  const w = Math.abs(box.w);
  const h = Math.abs(box.h);
  const handle = HANDLE_PX / pxPerUnit;
  const interactive = !readOnly;
  const body = (
    <>
      {shape.kind === 'rect' ? (
        <rect x={x0} y={y0} width={w} height={h} fill={fill} stroke={stroke} strokeWidth={strokeWidth} />
      ) : shape.kind === 'ellipse' ? (
        <ellipse
          cx={x0 + w / 2}
          cy={y0 + h / 2}
          rx={w / 2}
          ry={h / 2}
          fill={fill}
          stroke={stroke}
          strokeWidth={strokeWidth}
        />
      ) : shape.kind === 'line' ? (
        <line
          x1={box.x}
          y1={box.y}
          x2={box.x + box.w}
          y2={box.y + box.h}
          stroke={stroke}
          strokeWidth={Math.max(strokeWidth, 2)}
        />
      ) : shape.kind === 'text' ? (
        <>
          <rect x={x0} y={y0} width={w} height={h} fill="transparent" stroke="none" />
          <text x={x0 + 4} y={y0 + Math.min(h, 24) - 4} fill={stroke} fontSize={Math.max(8, Math.min(h, 24) - 6)}>
            {shape.text ?? ''}
          </text>
        </>
      ) : (
        <rect
          x={x0}
          y={y0}
          width={w}
          height={h}
          fill="none"
          stroke={stroke}
          strokeDasharray="6 4"
          strokeWidth={strokeWidth}
        />
      )}
      {selected ? (
        <rect
          className="easel-wb-selection"
          x={x0}
          y={y0}
          width={w}
          height={h}
          fill="none"
          stroke="#2563eb"
          strokeDasharray="4 3"
          strokeWidth={1 / pxPerUnit}
          pointerEvents="none"
        />
      ) : null}
      {selected && interactive ? (
        <rect
          data-testid={`resize-${shape.id}`}
          className="easel-wb-handle"
          x={box.x + box.w - handle / 2}
          y={box.y + box.h - handle / 2}
          width={handle}
          height={handle}
          fill="#2563eb"
          style={{ cursor: 'nwse-resize' }}
          onPointerDown={(e) => {
            e.stopPropagation();
            props.onPointerDown?.(e, 'resize');
          }}
        />
      ) : null}
    </>
  );
  const label = describeShape(shape, box);
  if (!interactive) {
    return (
      <g data-testid={`shape-${shape.id}`} data-kind={shape.kind} className="easel-wb-shape">
        <title>{label}</title>
        {body}
      </g>
    );
  }
  return (
    // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>; it takes the role and keys instead
    <g
      data-testid={`shape-${shape.id}`}
      data-kind={shape.kind}
      className="easel-wb-shape"
      role="button"
      tabIndex={0}
      aria-label={label}
      aria-pressed={selected}
      aria-describedby={props.describedBy}
      aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Alt+ArrowLeft Alt+ArrowRight Alt+ArrowUp Alt+ArrowDown Delete"
      onDoubleClick={props.onEditText}
      onPointerDown={(e) => props.onPointerDown?.(e, 'move')}
      onKeyDown={props.onKeyDown}
      onFocus={props.onSelect}
      style={{ cursor: 'move' }}
    >
      {body}
    </g>
  );
}
