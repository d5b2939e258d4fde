import type { PeerState } from '@easel/harness';

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
          <text x={14} y={24} fontSize={12} fill={peer.actor.color}>
            {peer.actor.name || peer.actor.id}
            {peer.actor.kind === 'agent' ? ' (agent)' : ''}
          </text>
        </g>
      ))}
    </g>
  );
}
