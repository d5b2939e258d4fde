import type { PartitionId } from '../core/spine/EventSpine.ts';
import { SpineError } from '../core/spine/SpineError.ts';
import { acknowledge, type CommitContext, forgetCommand } from './BatchCommitter.ts';
import type { WalSync } from './WalSync.ts';
import { deferred, type WriteOp } from './WriteQueue.ts';

/**
 * The durable frontier of the writer whose COMMIT does not fsync (`'pipelined'`): a committed
 * batch is acknowledged once a WAL sync that started after its COMMIT has completed (`WalSync`).
 * Until then its rows are visible to the spine's connection but not durable, so the spine caps
 * reads at the durable seq per partition and waits before reading snapshots, records and floors
 * while such a write is unsynced.
 */
export class DurableFrontier {
  /**
   * The last durable seq per partition appended to since open (absent: every row in the file is
   * durable). `read` returns nothing above this.
   */
  private readonly durableSeqs = new Map<PartitionId, number>();
  /** Snapshot, record and compact ops committed but not yet durable. */
  private unsyncedOthers = 0;

  constructor(
    private readonly sync: WalSync,
    private readonly ctx: CommitContext,
  ) {}

  /** WAL syncs completed so far. */
  get syncs(): number {
    return this.sync.count;
  }

  /** After a failed WAL sync nothing can be acknowledged any more: the error every write gets. */
  failure(): SpineError | null {
    const failed = this.sync.failed;
    return failed === null ? null : new SpineError('write_failed', failed.message, {}, failed);
  }

  /** Called for each append before it is queued: the first since open marks everything stored before it durable. */
  noteAppend(partition: PartitionId, head: number): void {
    if (!this.durableSeqs.has(partition)) this.durableSeqs.set(partition, head);
  }

  /** The highest seq of `partition` a read may return; undefined: no cap. */
  cap(partition: PartitionId): number | undefined {
    return this.durableSeqs.get(partition);
  }

  /** Resolves once every batch committed so far is durable (rejects after a failed sync). */
  barrier(): Promise<void> {
    return this.sync.barrier().catch((cause: unknown) => {
      throw this.failure() ?? new SpineError('write_failed', String(cause), {}, cause);
    });
  }

  /**
   * Snapshots, records and floors are read only once every such write committed so far is
   * durable (rare writes; at most one sync's wait), so no read answers from a row not yet synced.
   */
  async othersDurable(): Promise<void> {
    if (this.unsyncedOthers === 0) return;
    await this.barrier();
  }

  /** Rejects a batch that can no longer be written (a sync failed before it); returns the error or null. */
  refuseAfterFailure(batch: readonly WriteOp[]): SpineError | null {
    const broken = this.failure();
    if (broken === null) return null;
    for (const op of batch) {
      forgetCommand(this.ctx.pendingCommands, op);
      op.done.reject(broken);
    }
    return broken;
  }

  /**
   * A batch has committed (not yet on disk). Its ops settle once a WAL sync that started after
   * this call completes; then its rows become readable. `results[i]`: op i's result.
   */
  awaitSync(batch: readonly WriteOp[], results: readonly unknown[]): Promise<SpineError | null> {
    let others = 0;
    for (const op of batch) if (op.op !== 'append') others++;
    this.unsyncedOthers += others;
    const settled = deferred<SpineError | null>();
    this.sync.committed(
      () => {
        this.unsyncedOthers -= others;
        for (let i = 0; i < batch.length; i++) {
          const op = batch[i] as WriteOp;
          if (op.op === 'append') {
            const last = op.firstSeq + op.events.length - 1;
            if (last > (this.durableSeqs.get(op.partition) ?? 0)) this.durableSeqs.set(op.partition, last);
            forgetCommand(this.ctx.pendingCommands, op);
          }
          acknowledge(this.ctx.counters, op, results[i]);
        }
        settled.resolve(null);
      },
      (cause) => {
        this.unsyncedOthers -= others;
        const error = new SpineError('write_failed', `committed but not made durable: ${cause.message}`, {}, cause);
        for (const op of batch) {
          forgetCommand(this.ctx.pendingCommands, op);
          op.done.reject(error);
        }
        settled.resolve(error);
      },
    );
    return settled.promise;
  }

  /** Waits for the registered batches, then closes the WAL fd. */
  close(): Promise<void> {
    return this.sync.close();
  }
}
