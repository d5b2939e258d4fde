import { type BatchCommitter, type CommitContext, countCommit, refuseBatch } from './BatchCommitter.ts';
import type { DurableFrontier } from './DurableFrontier.ts';
import { writeBatchTransaction } from './writeBatchTransaction.ts';
import type { CommitOutcome, WriteOp } from './WriteQueue.ts';

/**
 * `writer: 'pipelined'` (see README.md, "Pipelined sync"): each batch is one transaction on the
 * spine's own connection with `synchronous = NORMAL` (COMMIT does not fsync); the batch is
 * acknowledged once a WAL sync that started after its COMMIT has completed (`DurableFrontier`).
 * `coalesce`: the next batch waits for that sync (one commit per sync); else it commits at the
 * end of the next turn, overlapping the sync.
 */
export class PipelinedCommitter implements BatchCommitter {
  constructor(
    private readonly ctx: CommitContext,
    readonly frontier: DurableFrontier,
    private readonly coalesce: boolean,
  ) {}

  commit(batch: readonly WriteOp[]): CommitOutcome {
    const { ctx, frontier } = this;
    // After a failed sync nothing more is written (it could never be acknowledged).
    const broken = frontier.refuseAfterFailure(batch);
    if (broken !== null) return broken;
    const written = writeBatchTransaction(ctx, batch);
    if (!written.ok) {
      // Earlier batches are committed (awaiting their sync) and keep their pending commands.
      return refuseBatch(ctx, batch, 'ops', String(written.cause), written.cause);
    }
    countCommit(ctx.counters, batch);
    const synced = frontier.awaitSync(batch, written.results);
    // Coalesced: the queue holds the next batch until this one's sync completes.
    return this.coalesce ? synced : null;
  }

  close(): Promise<void> {
    return this.frontier.close();
  }
}
