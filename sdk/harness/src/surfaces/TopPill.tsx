import type { ReactNode } from 'react';
import { useConnectionStatus } from '../hooks/useConnectionStatus.ts';
import type { PeerState } from '../hooks/PeerState.ts';
import { usePresence } from '../hooks/usePresence.ts';
import { readableTextColor } from '../lib/readableTextColor.ts';
import { Icon } from './Icon.tsx';

export interface TopPillProps {
  /** Product or flow name shown at the start. */
  title?: string;
  /** Canvases for the switcher (omit or pass one to hide it). */
  canvases?: ReadonlyArray<{ canvasId: string; title: string }>;
  activeCanvasId?: string | null;
  onSelectCanvas?: (canvasId: string) => void;
  /** Extra controls at the end (e.g. the actor picker). */
  actions?: ReactNode;
}

const STATUS_TEXT: Record<string, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  closed: 'Closed',
  unauthorized: 'Signed out',
  forbidden: 'No access',
};

function initials(name: string): string {
  const parts = name
    .trim()
    .split(/[\s._-]+/)
    .filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

/** One avatar per actor (tabs of the same actor collapse), this tab first. */
function actorsOf(self: PeerState | null, peers: readonly PeerState[]): PeerState[] {
  const out: PeerState[] = [];
  const seen = new Set<string>();
  for (const peer of self ? [self, ...peers] : peers) {
    if (seen.has(peer.actor.id)) continue;
    seen.add(peer.actor.id);
    out.push(peer);
  }
  return out;
}

/**
 * The bar across the top: connection status, who is here (humans and agents), and the
 * canvas switcher. `connection-status` reads the raw ConnectionStatus for tests; the label
 * beside it is for people.
 */
export function TopPill(props: TopPillProps): ReactNode {
  const status = useConnectionStatus();
  const { self, peers } = usePresence();
  const actors = actorsOf(self, peers);
  const canvases = props.canvases ?? [];
  return (
    <header className="ez-toppill">
      {/* The page's one top-level heading (the flow or product name). */}
      {props.title ? <h1 className="ez-toppill__title">{props.title}</h1> : null}
      {canvases.length > 1 ? (
        <div className="ez-switcher" role="tablist" aria-label="Canvases">
          {canvases.map((c) => (
            <button
              key={c.canvasId}
              type="button"
              role="tab"
              aria-selected={c.canvasId === props.activeCanvasId}
              className="ez-switcher__tab"
              data-testid={`canvas-tab-${c.canvasId}`}
              onClick={() => props.onSelectCanvas?.(c.canvasId)}
            >
              {c.title}
            </button>
          ))}
        </div>
      ) : canvases.length === 1 ? (
        <span className="ez-toppill__canvas">{canvases[0]!.title}</span>
      ) : null}
      <span className="ez-toppill__spacer" />
      <ul className="ez-avatars" aria-label={`${actors.length} here`}>
        {actors.map((peer) => (
          <li
            key={peer.actor.id}
            className={`ez-avatar${peer.actor.kind === 'agent' ? ' ez-avatar--agent' : ''}${peer.self ? ' ez-avatar--self' : ''}`}
            style={{ background: peer.actor.color, color: readableTextColor(peer.actor.color) }}
            title={`${peer.actor.name}${peer.self ? ' (you)' : ''}${peer.actor.kind === 'agent' ? ' · agent' : ''}`}
            data-testid={`presence-avatar-${peer.actor.id}`}
          >
            <span aria-hidden="true">
              {peer.actor.kind === 'agent' ? <Icon name="agent" /> : initials(peer.actor.name)}
            </span>
            <span className="ez-visually-hidden">
              {peer.actor.name}
              {peer.self ? ' (you)' : ''}
              {peer.actor.kind === 'agent' ? ', agent' : ''}
            </span>
          </li>
        ))}
      </ul>
      <span className={`ez-connection ez-connection--${status}`} role="status">
        <span className="ez-dot" aria-hidden="true" />
        <span className="ez-connection__label">{STATUS_TEXT[status] ?? status}</span>
        <span className="ez-visually-hidden" data-testid="connection-status">
          {status}
        </span>
      </span>
      {props.actions}
    </header>
  );
}
