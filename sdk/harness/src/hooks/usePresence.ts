import type { LocalPresence, PresenceStatus } from '@easel/transport';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { useHarness } from '../provider/HarnessContext.ts';
import type { PeerState } from './PeerState.ts';

/** `usePresence()`: this tab, the others (humans and agents), and local updates. */
export interface PresenceView {
  readonly status: PresenceStatus;
  readonly self: PeerState | null;
  readonly peers: readonly PeerState[];
  /** Moves this tab's cursor (canvas coordinates); sent at most ≈ 30 times a second. */
  setCursor(x: number, y: number): void;
  /** Hides this tab's cursor (pointer left the canvas). */
  clearCursor(): void;
  /** Merges fields into this tab's awareness state (selection, viewport, gesture, ...). */
  setLocal(fields: Partial<LocalPresence>): void;
}

/** Presence on the provider's canvas. Joins on first use (one WebSocket per provider). */
export function usePresence(): PresenceView {
  const stores = useHarness();
  const { presence, presenceSource } = stores;
  const snapshot = useSyncExternalStore(presence.subscribe, presence.getSnapshot, presence.getSnapshot);
  useEffect(() => stores.ensurePresence(), [stores]);
  const setLocal = useCallback(
    (fields: Partial<LocalPresence>) => presenceSource?.updateLocal(fields),
    [presenceSource],
  );
  const setCursor = useCallback((x: number, y: number) => setLocal({ cursor: { x, y } }), [setLocal]);
  const clearCursor = useCallback(() => setLocal({ cursor: null }), [setLocal]);
  return useMemo(
    () => ({ status: snapshot.status, self: snapshot.self, peers: snapshot.peers, setCursor, clearCursor, setLocal }),
    [snapshot, setCursor, clearCursor, setLocal],
  );
}
