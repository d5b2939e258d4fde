import type { PresenceStatus } from '@easel/transport';
import type { PeerState } from '../hooks/PeerState.ts';
import type { PresenceSource } from '../provider/PresenceSource.ts';

/** What `usePresence` reads: this tab and the others. */
export interface PresenceSnapshot {
  readonly status: PresenceStatus;
  readonly self: PeerState | null;
  readonly peers: readonly PeerState[];
}

function samePeer(a: PeerState, b: PeerState): boolean {
  return (
    a.clientId === b.clientId &&
    a.actor.id === b.actor.id &&
    a.actor.name === b.actor.name &&
    a.actor.color === b.actor.color &&
    a.actor.kind === b.actor.kind &&
    a.cursor?.x === b.cursor?.x &&
    a.cursor?.y === b.cursor?.y &&
    (a.cursor === null) === (b.cursor === null) &&
    JSON.stringify(a.selection) === JSON.stringify(b.selection)
  );
}

/** Reads the source into a snapshot, keeping unchanged peers (and the whole snapshot) identical. */
export function presenceSnapshot(source: PresenceSource, previous: PresenceSnapshot): PresenceSnapshot {
  const peers: PeerState[] = source.peers().map((peer) => {
    const s = peer.state;
    const next: PeerState = {
      clientId: peer.clientId,
      actor: s.actor,
      cursor: s.cursor ? { x: s.cursor.x, y: s.cursor.y } : null,
      selection: s.selection ?? null,
      self: false,
    };
    const old = previous.peers.find((p) => p.clientId === peer.clientId);
    return old && samePeer(old, next) ? old : next;
  });
  const local = source.local;
  const selfNext: PeerState | null = local
    ? {
        clientId: -1,
        actor: local.actor,
        cursor: local.cursor ? { x: local.cursor.x, y: local.cursor.y } : null,
        selection: local.selection ?? null,
        self: true,
      }
    : null;
  const self = selfNext && previous.self && samePeer(previous.self, selfNext) ? previous.self : selfNext;
  const samePeers = peers.length === previous.peers.length && peers.every((p, i) => p === previous.peers[i]);
  if (samePeers && self === previous.self && source.status === previous.status) return previous;
  return { status: source.status, self, peers: samePeers ? previous.peers : peers };
}
