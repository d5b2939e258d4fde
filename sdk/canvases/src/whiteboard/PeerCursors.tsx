import { type PeerState, readableTextColor } from '@easel/harness';
import { useLayoutEffect, useRef, useState } from 'react';

/**
 * Other participants' pointers inside the whiteboard's SVG (world coordinates), each labelled with
 * the peer's name (`data-testid="wb-cursor-<actor id>"`; the harness's own layer uses `cursor-<actor id>`). Own state and
 * peers off the canvas are skipped; each is drawn at a constant screen size (`pxPerUnit`: screen px per
 * SVG unit as laid out). Cursors are in world units, so the host should mount the whiteboard
 * without its pixel cursor layer (`CanvasHost cursors={false}`; see `OWN_CURSOR_CANVAS_TYPES`).
 */
export function PeerCursors({ peers, pxPerUnit }: { peers: readonly PeerState[]; pxPerUnit: number }) {
  const seen = new Set<string>();
  const shown = peers.filter((peer) => {
    if (peer.self || peer.cursor === null || seen.has(peer.actor.id)) return false;
    if (!Number.isFinite(peer.cursor.x) || !Number.isFinite(peer.cursor.y)) return false;
    seen.add(peer.actor.id);
    return true;
  });
  // Drawn in screen pixels whatever the SVG's scale (the zoom token and its box's width).
  const s = pxPerUnit > 0 && Number.isFinite(pxPerUnit) ? 1 / pxPerUnit : 1;
  return (
    <g className="easel-wb-cursors" pointerEvents="none">
      {shown.map((peer) => (
        <g
          key={peer.actor.id}
          data-testid={`wb-cursor-${peer.actor.id}`}
          data-kind={peer.actor.kind}
          transform={`translate(${peer.cursor!.x} ${peer.cursor!.y}) scale(${s})`}
        >
          <title>{`${peer.actor.name || peer.actor.id}'s cursor`}</title>
          <path d="M0 0 L0 16 L4.5 12 L8 19 L10.5 18 L7 11 L13 11 Z" fill={peer.actor.color} stroke="#ffffff" />
          <CursorLabel
            color={peer.actor.color}
            text={`${peer.actor.name || peer.actor.id}${peer.actor.kind === 'agent' ? ' (agent)' : ''}`}
          />
        </g>
      ))}
    </g>
  );
}

/** The label's font size and padding, in the cursor's (screen-sized) units. */
const FONT_SIZE = 12;
const PAD_X = 4;
const LABEL_X = 12;
const LABEL_Y = 13;
const LABEL_HEIGHT = 16;

/**
 * A peer's name on a label filled with its colour, in black or white, whichever reads on it
 * (WCAG 1.4.3: a name drawn in a light hue on the white canvas was as low as 2.45:1). The label is
 * as wide as the text as laid out (an estimate until measured, e.g. where there is no layout).
 */
function CursorLabel({ color, text }: { color: string; text: string }) {
  const ref = useRef<SVGTextElement>(null);
  const [width, setWidth] = useState(() => text.length * FONT_SIZE * 0.6);
  useLayoutEffect(() => {
    const el = ref.current;
    const measured = el && typeof el.getComputedTextLength === 'function' ? el.getComputedTextLength() : 0;
    if (Number.isFinite(measured) && measured > 0) setWidth(measured);
    else setWidth(text.length * FONT_SIZE * 0.6);
  }, [text]);
  return (
    <>
      <rect
        className="easel-wb-cursor-label"
        x={LABEL_X}
        y={LABEL_Y}
        width={width + 2 * PAD_X}
        height={LABEL_HEIGHT}
        rx={3}
        fill={color}
      />
      <text ref={ref} x={LABEL_X + PAD_X} y={LABEL_Y + 12} fontSize={FONT_SIZE} fill={readableTextColor(color)}>
        {text}
      </text>
    </>
  );
}
