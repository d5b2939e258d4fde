import type { CanvasTransport } from '@easel/transport';
import type * as Y from 'yjs';

/** One edit waiting for the document, and who made it (to drop it when that owner goes away). */
interface QueuedEdit {
  readonly fn: (doc: Y.Doc) => void;
  readonly origin: unknown;
  readonly owner: object;
}

/** The edits waiting on one transport, in the order they were made, and the subscriptions that run them. */
interface Waiting {
  readonly edits: QueuedEdit[];
  readonly stop: () => void;
}

/** One queue per transport: edits from every emitter on it keep the order they were made in. */
const waiting = new WeakMap<CanvasTransport, Waiting>();

/**
 * Runs `fn` on `transport.doc` in a transaction with `origin`: at once when the document holds the
 * snapshot (or paint first is off), else — paint first, the page painted from `stateJson` while the
 * snapshot's `CANVAS_READY_UPDATE` has not arrived, so `doc` is still empty — as soon as it does
 * (`onHydrated`, or a later snapshot applied whole). Waiting edits run in the order they were made,
 * each in its own transaction; an edit made while some wait runs after them. They are dropped when
 * the transport closes or `dropQueuedEdits(owner)` is called (the component that made them
 * unmounted). An edit that throws while waiting edits run does not stop the others; its error is
 * rethrown in a microtask (reported like an uncaught error of an event handler).
 */
export function editWhenHydrated(
  transport: CanvasTransport,
  owner: object,
  fn: (doc: Y.Doc) => void,
  origin: unknown,
): void {
  // Reading `doc` applies a snapshot whose update has arrived (and runs waiting edits first).
  const doc = transport.doc;
  const queue = waiting.get(transport);
  if (queue !== undefined) {
    queue.edits.push({ fn, owner, origin });
    return;
  }
  if (transport.stateJson === null) {
    doc.transact(() => fn(doc), origin);
    return;
  }
  // A closed transport gets no update any more: nothing to wait for.
  if (transport.status === 'closed') return;
  const run = () => runWaiting(transport);
  const offHydrated = transport.onHydrated(run);
  // A snapshot that replaced the painted one whole (no `update_follows`) hydrates without `onHydrated`.
  const offReady = transport.onReady(run);
  const offStatus = transport.onStatus((status) => {
    if (status === 'closed') drop(transport, () => true);
  });
  waiting.set(transport, {
    edits: [{ fn, owner, origin }],
    stop: () => {
      offHydrated();
      offReady();
      offStatus();
    },
  });
}

/** Drops the edits `owner` made that still wait for the document (see `editWhenHydrated`). */
export function dropQueuedEdits(transport: CanvasTransport, owner: object): void {
  drop(transport, (edit) => edit.owner === owner);
}

/** How many edits wait for `transport`'s document (for tests and diagnostics). */
export function queuedEditCount(transport: CanvasTransport): number {
  return waiting.get(transport)?.edits.length ?? 0;
}

function drop(transport: CanvasTransport, which: (edit: QueuedEdit) => boolean): void {
  const queue = waiting.get(transport);
  if (queue === undefined) return;
  for (let i = queue.edits.length - 1; i >= 0; i--) if (which(queue.edits[i]!)) queue.edits.splice(i, 1);
  if (queue.edits.length > 0) return;
  waiting.delete(transport);
  queue.stop();
}

/** Runs the waiting edits once `doc` holds the snapshot; edits made meanwhile join the end of the queue. */
function runWaiting(transport: CanvasTransport): void {
  const queue = waiting.get(transport);
  if (queue === undefined) return;
  transport.doc; // applies a snapshot whose update has arrived
  if (transport.stateJson !== null) return;
  for (let edit = queue.edits.shift(); edit !== undefined; edit = queue.edits.shift()) {
    const { fn, origin } = edit;
    // Read again for each: an edit may have been refused and the document rebuilt meanwhile.
    const current = transport.doc;
    try {
      current.transact(() => fn(current), origin);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
  waiting.delete(transport);
  queue.stop();
}
