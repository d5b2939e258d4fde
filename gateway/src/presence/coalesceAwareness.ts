import { type Document, OutgoingMessage } from '@hocuspocus/server';

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

type Listener = (...args: unknown[]) => void;

/**
 * Replaces Hocuspocus 3.4's awareness broadcast on `document` by a coalesced one: the clients
 * changed during one event-loop turn are encoded once and the same frame goes to every
 * connection, instead of one encoding (a JSON.stringify per state) and one send per update per
 * connection. Under light load a change still goes out on the next turn; under heavy load the
 * turns gather more changes, so the work per update falls instead of queueing (the SSE fan-out
 * coalesces per socket per tick the same way). Hocuspocus's bookkeeping of which clients each
 * connection speaks for (removed with it on disconnect) is kept as it was.
 *
 * Call it before Hocuspocus adds its own hook listener (`afterLoadDocument`). Returns false,
 * leaving Hocuspocus's broadcast in place, when the document does not look as expected (another
 * Hocuspocus version): awareness then works as before, only slower.
 */
export function coalesceAwareness(document: Document): boolean {
  const awareness = document.awareness;
  const observers = (awareness as unknown as { _observers?: Map<string, Set<Listener>> })._observers;
  const listeners = observers?.get('update');
  if (!(observers instanceof Map) || listeners?.size !== 1) return false;
  const [original] = listeners;
  awareness.off('update', original!);
  const changed = new Set<number>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (changed.size === 0 || document.isDestroyed) return;
    const clients = [...changed];
    changed.clear();
    const connections = document.getConnections();
    if (connections.length === 0) return;
    const frame = new OutgoingMessage(document.name).createAwarenessUpdateMessage(awareness, clients).toUint8Array();
    for (const connection of connections) connection.send(frame);
  };
  awareness.on('update', ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
    // What Hocuspocus's own handler keeps: the client ids each socket added (dropped with it).
    if (origin !== null && origin !== undefined) {
      const entry = document.connections.get(origin as never);
      if (entry) {
        for (const id of added) entry.clients.add(id);
        for (const id of removed) entry.clients.delete(id);
      }
    }
    for (const id of added) changed.add(id);
    for (const id of updated) changed.add(id);
    for (const id of removed) changed.add(id);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
  return true;
}
