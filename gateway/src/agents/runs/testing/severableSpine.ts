import type { EventSpine } from '../../../core/spine/EventSpine.ts';
import { SpineError } from '../../../core/spine/SpineError.ts';

/** What {@link severable} returns: the wrapped spine and its switches. */
export interface SeverableSpine {
  readonly spine: EventSpine;
  readonly state: {
    /** Every call fails while set (a dead or cut-off node). */
    cut: boolean;
    /** The node dies the moment an append holding an event of this type is durable. */
    cutAfter: string | null;
  };
}

/** A node's spine that can be cut off: from then on every call fails, as for a dead node. */
export function severable(inner: EventSpine): SeverableSpine {
  const state = { cut: false, cutAfter: null as string | null };
  const down = () => Promise.reject(new SpineError('write_failed', 'this node is cut off'));
  const guard =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> =>
      state.cut ? down() : f(...a);
  const spine: EventSpine = {
    writers: inner.writers,
    epoch: inner.epoch,
    turn: (p, work) => (state.cut ? down() : inner.turn(p, work)),
    append: (req) => {
      if (state.cut) return { seqs: [], durable: down() };
      const appended = inner.append(req);
      if (state.cutAfter !== null && req.events.some((e) => e.type === state.cutAfter)) {
        // Dies the moment the event is durable, before anything else runs on it.
        appended.durable.then(
          () => {
            state.cut = true;
          },
          () => {},
        );
      }
      return appended;
    },
    read: guard((p, after, o) => inner.read(p, after, o)),
    head: guard((p) => inner.head(p)),
    floor: guard((p) => inner.floor(p)),
    lookupCommand: guard((p, id) => inner.lookupCommand(p, id)),
    saveSnapshot: guard((p, s) => inner.saveSnapshot(p, s)),
    loadSnapshot: guard((p, c) => inner.loadSnapshot(p, c)),
    compact: guard((p, b) => inner.compact(p, b)),
    getRecord: guard((k, key) => inner.getRecord(k, key)),
    putRecord: guard((k, key, v) => inner.putRecord(k, key, v)),
    putRecordIf: guard((k, key, v, expected) => inner.putRecordIf(k, key, v, expected)),
    listRecords: guard((k, prefix) => inner.listRecords(k, prefix)),
    flush: guard(() => inner.flush()),
    close: async () => {},
  };
  return { spine, state };
}
