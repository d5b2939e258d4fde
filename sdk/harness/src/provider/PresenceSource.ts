import type { AwarenessState } from '@easel/schemas';
import type { LocalPresence, PresencePeer, PresenceStatus } from '@easel/transport';

/**
 * What the harness needs of presence: `transport.presence` (a `Presence`) satisfies it; recorded
 * sources (`createRecordedPresence`) replay peers without a WebSocket.
 */
export interface PresenceSource {
  readonly status: PresenceStatus;
  readonly local: AwarenessState | null;
  peers(): readonly PresencePeer[];
  onPeers(listener: (peers: readonly PresencePeer[]) => void): () => void;
  onStatus(listener: (status: PresenceStatus) => void): () => void;
  join(initial?: LocalPresence | null): Promise<unknown>;
  leave(): void;
  updateLocal(fields: Partial<LocalPresence>): unknown;
}
