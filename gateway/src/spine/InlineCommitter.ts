import { acknowledge, type BatchCommitter, type CommitContext, countCommit, refuseBatch } from './BatchCommitter.ts';
import { writeBatchTransaction } from './writeBatchTransaction.ts';
import type { CommitOutcome, WriteOp } from './WriteQueue.ts';

/**
 * `writer: 'inline'`: each batch is one transaction on the spine's own connection, inside the
 * event-loop turn that flushes it; its COMMIT fsyncs per `durability`. Acknowledged on return.
 */
export class InlineCommitter implements BatchCommitter {
  readonly frontier = null;

  constructor(private readonly ctx: CommitContext) {}

  commit(batch: readonly WriteOp[]): CommitOutcome {
    const { ctx } = this;
    const written = writeBatchTransaction(ctx, batch);
    if (!written.ok) {
      return refuseBatch(ctx, batch, 'all', String(written.cause), written.cause);
    }
    countCommit(ctx.counters, batch);
    ctx.pendingCommands.clear();
    for (let i = 0; i < batch.length; i++) acknowledge(ctx.counters, batch[i] as WriteOp, written.results[i]);
    return null;
  }

  async close(): Promise<void> {}
}
