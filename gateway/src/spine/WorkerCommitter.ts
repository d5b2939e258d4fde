import type { SpineError } from '../core/spine/SpineError.ts';
import {
  acknowledge,
  type BatchCommitter,
  type CommitContext,
  countCommit,
  forgetCommand,
  refuseBatch,
} from './BatchCommitter.ts';
import type { WorkerWriter } from './WorkerWriter.ts';
import type { WriteOp } from './WriteQueue.ts';

/**
 * `writer: 'worker'` (the default): a writer thread with its own connection runs each batch's
 * inserts and COMMIT (with its fsync under `durability: 'full'`), so the event loop only assigns
 * seqs and serves reads; while one batch commits, the next accumulates. A batch is acknowledged
 * when the thread reports its COMMIT returned.
 */
export class WorkerCommitter implements BatchCommitter {
  readonly frontier = null;

  constructor(
    private readonly ctx: CommitContext,
    private readonly writer: WorkerWriter,
  ) {}

  /**
   * Settles the batch once the worker reports the commit durable (or rolled back). A failure also
   * rejects every op queued behind it: their seqs followed the lost ones, so they can no longer
   * commit without leaving a gap.
   */
  async commit(batch: readonly WriteOp[]): Promise<SpineError | null> {
    const { ctx } = this;
    const report = await this.writer.commit(batch);
    if (!report.ok) {
      return refuseBatch(ctx, [...batch, ...ctx.takeQueued()], 'all', report.error);
    }
    countCommit(ctx.counters, batch);
    for (let i = 0; i < batch.length; i++) {
      const op = batch[i] as WriteOp;
      forgetCommand(ctx.pendingCommands, op);
      const result = report.results.get(i);
      acknowledge(
        ctx.counters,
        op,
        op.op === 'compact' ? (result ?? 0) : op.op === 'recordIf' ? result === 1 : undefined,
      );
    }
    return null;
  }

  close(): Promise<void> {
    return this.writer.stop();
  }
}
