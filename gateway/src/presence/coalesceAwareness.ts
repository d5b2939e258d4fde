import { type Document, OutgoingMessage } from '@hocuspocus/server';
import { removeAwarenessStates } from 'y-protocols/awareness';

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
 * Two holes of Hocuspocus 3.4's bookkeeping are closed here. (1) An id whose state comes back
 * after it was removed (a provider reconnecting with its client id) is an `updated`, not an
 * `added` client: Hocuspocus never tied it to the new connection, so it stayed (a ghost cursor,
 * 30 s) when that connection went. Every id a connection sets is now tied to it. (2) Messages
 * a socket sent right before it closed are applied after Hocuspocus removed its connection:
 * their states belonged to no connection (ghosts too). They are removed on the next flush. And
 * the awareness' per-client `meta` (kept by y-protocols for every id ever seen) is dropped for
 * removed ids, so a long-lived document does not grow with every visitor.
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
  /** Ids set by a socket whose connection was already gone. */
  const orphans = new Set<number>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (document.isDestroyed) return;
    if (orphans.size > 0) {
      const held = new Set<number>();
      for (const entry of document.connections.values()) for (const id of entry.clients) held.add(id);
      const gone = [...orphans].filter((id) => !held.has(id));
      orphans.clear();
      if (gone.length > 0) removeAwarenessStates(awareness, gone, null); // adds them to `changed`
    }
    if (changed.size === 0) return;
    const clients = [...changed].filter((id) => awareness.meta.has(id));
    changed.clear();
    const connections = document.getConnections();
    if (connections.length > 0 && clients.length > 0) {
      const frame = new OutgoingMessage(document.name).createAwarenessUpdateMessage(awareness, clients).toUint8Array();
      // A send may close a connection whose socket is closing: its clients are removed at once
      // (into `changed`, for the next flush).
      for (const connection of connections) connection.send(frame);
    }
    for (const id of clients) {
      // Removed and sent: its clock is no longer needed (one still to be sent keeps it).
      if (id !== awareness.clientID && !awareness.states.has(id) && !changed.has(id)) awareness.meta.delete(id);
    }
  };
  awareness.on('update', ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
    // What Hocuspocus's own handler keeps: the client ids each socket speaks for (dropped with it).
    if (origin !== null && typeof origin === 'object') {
      const entry = document.connections.get(origin as never);
      if (entry) {
        for (const id of added) tie(document, entry, id);
        for (const id of updated) if (!entry.clients.has(id)) tie(document, entry, id);
        for (const id of removed) entry.clients.delete(id);
      } else {
        for (const id of added) orphans.add(id);
        for (const id of updated) orphans.add(id);
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

type ConnectionEntry = { clients: Set<number> };

/** Ties `id` to `entry` (and to no other connection: the latest to speak for an id owns it). */
function tie(document: Document, entry: ConnectionEntry, id: number): void {
  for (const other of document.connections.values() as Iterable<ConnectionEntry>) {
    if (other !== entry) other.clients.delete(id);
  }
  entry.clients.add(id);
}
