import type { ReactNode } from 'react';
import { usePresence } from '../hooks/usePresence.ts';
import { readableTextColor } from '../lib/readableTextColor.ts';
import { Icon } from './Icon.tsx';

export interface PresenceCursorsProps {
  /** Maps canvas coordinates to the layer's pixels (default: identity). */
  transform?: (x: number, y: number) => { x: number; y: number };
}

/**
 * The others' cursors (humans and agents) over the canvas, each with its name and colour.
 * Absolutely positioned: put it inside a `position: relative` container (CanvasHost does).
 */
export function PresenceCursors(props: PresenceCursorsProps): ReactNode {
  const { peers } = usePresence();
  const shown = peers.filter((p) => p.cursor !== null);
  // No layer over the canvas while there is no cursor to show: an empty overlay hid the whole
  // canvas from checks that look at what is drawn over text (axe-core's colour contrast).
  if (shown.length === 0) return null;
  return (
    <div className="ez-cursors" aria-hidden="true">
      {shown.map((peer) => {
        const at = props.transform ? props.transform(peer.cursor!.x, peer.cursor!.y) : peer.cursor!;
        return (
          <div
            key={peer.clientId}
            className={`ez-cursor${peer.actor.kind === 'agent' ? ' ez-cursor--agent' : ''}`}
            data-testid={`cursor-${peer.actor.id}`}
            style={{ transform: `translate(${at.x}px, ${at.y}px)`, color: peer.actor.color }}
          >
            <svg width="16" height="20" viewBox="0 0 16 20" className="ez-cursor__arrow" aria-hidden="true">
              <path
                d="M1 1 L1 16 L5 12 L8 19 L11 18 L8 11 L14 11 Z"
                fill="currentColor"
                stroke="white"
                strokeWidth="1.2"
              />
            </svg>
            <span
              className="ez-cursor__label"
              style={{ background: peer.actor.color, color: readableTextColor(peer.actor.color) }}
            >
              {peer.actor.kind === 'agent' ? (
                <>
                  <Icon name="agent" />{' '}
                </>
              ) : null}
              {peer.actor.name}
            </span>
          </div>
        );
      })}
    </div>
  );
}
