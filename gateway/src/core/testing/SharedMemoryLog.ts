import type { AppendRequest, AppendResult, EventSpine, PartitionId } from '../spine/EventSpine.ts';
import { LocalTurns } from '../spine/LocalTurns.ts';
import { SpineError } from '../spine/SpineError.ts';
import { MemorySpine } from './MemorySpine.ts';

/**
 * One in-memory log shared by several "nodes" (core tests of the multi-writer path without a
 * database): each `node()` is an {@link EventSpine} with `writers: 'shared'` whose appends are
 * accepted only inside its write turn, and turns on a partition are exclusive across all nodes
 * (what PostgreSQL's row lock gives `PgSpine`). Unlike PgSpine, a turn whose work rejects keeps
 * the appends it made (the backing MemorySpine cannot roll back); the core never relies on it.
 */
export class SharedMemoryLog {
  readonly backing = new MemorySpine();
  /** Exclusive turns per partition, across every node. */
  private readonly turns = new LocalTurns(
    (partition) => this.backing.head(partition),
    () => this.backing.flush(),
  );

  /** A node's view of the log. */
  node(): EventSpine {
    const backing = this.backing;
    const open = new Set<PartitionId>();
    const turns = this.turns;
    const view: EventSpine = Object.create(backing, {
      writers: { value: 'shared' },
      turn: {
        value<T>(partition: PartitionId, work: (head: number) => Promise<T>): Promise<T> {
          return turns.run(partition, async (head) => {
            open.add(partition);
            try {
              return await work(head);
            } finally {
              open.delete(partition);
            }
          });
        },
      },
      append: {
        value(request: AppendRequest): { readonly seqs: readonly number[]; readonly durable: Promise<AppendResult> } {
          if (!open.has(request.partition)) {
            const error = new SpineError('write_failed', `append outside a write turn of ${request.partition}`);
            return { seqs: [], durable: Promise.reject(error) };
          }
          return backing.append(request);
        },
      },
      // Another node's pending appends are invisible until durable; this node's own turn sees its own.
      head: {
        value: (partition: PartitionId) =>
          open.has(partition) ? backing.head(partition) : backing.durableHead(partition),
      },
      close: { value: async () => {} },
    });
    // Methods of the backing spine run against the backing spine (private fields).
    for (const name of [
      'read',
      'floor',
      'lookupCommand',
      'saveSnapshot',
      'loadSnapshot',
      'compact',
      'getRecord',
      'putRecord',
      'putRecordIf',
      'listRecords',
      'flush',
    ] as const) {
      Object.defineProperty(view, name, { value: (backing[name] as (...a: unknown[]) => unknown).bind(backing) });
    }
    Object.defineProperty(view, 'epoch', { value: backing.epoch });
    return view;
  }
}
