import type { SpineError } from '../core/spine/SpineError.ts';
import { type BatchCommitter, type CommitContext, countCommit, refuseBatch } from './BatchCommitter.ts';
import type { DurableFrontier } from './DurableFrontier.ts';
import type { WorkerWriter } from './WorkerWriter.ts';
import type { WriteOp } from './WriteQueue.ts';

/**
 * `writer: 'worker-pipelined'`: the writer thread runs each batch's inserts and COMMIT with
 * `synchronous = NORMAL` (no fsync at COMMIT), then starts an `fdatasync` of the WAL on the libuv
 * threadpool (off both threads) unless one runs, in which case the next starts when it completes
 * (`WorkerWriterOptions.walSync`, `WorkerWalSync`). A batch is acknowledged once a sync that
 * started after its COMMIT has completed (`DurableFrontier`; the `FULL` guarantee), while the
 * next batch is already being inserted by the writer thread. Reads are
 * capped at the durable seq per partition, as with `'pipelined'`; the inserts stay off the event
 * loop, as with `'worker'`.
 */
export class WorkerPipelinedCommitter implements BatchCommitter {
  constructor(
    private readonly ctx: CommitContext,
    readonly frontier: DurableFrontier,
    private readonly writer: WorkerWriter,
  ) {}

  /**
   * Resolves (the queue sends the next batch) once the writer thread reports the COMMIT; the ops
   * settle later, when the WAL sync covering it completes. A failed transaction rejects the batch
   * and every op queued behind it (their seqs followed the lost ones); batches committed before
   * it still await their sync and keep their pending commands.
   */
  async commit(batch: readonly WriteOp[]): Promise<SpineError | null> {
    const { ctx, frontier } = this;
    const broken = frontier.refuseAfterFailure(batch);
    if (broken !== null) return broken;
    const report = await this.writer.commit(batch);
    if (!report.ok) {
      // Earlier batches are committed (awaiting their sync) and keep their pending commands.
      return refuseBatch(ctx, [...batch, ...ctx.takeQueued()], 'ops', report.error);
    }
    countCommit(ctx.counters, batch);
    const results = batch.map((op, i) => (op.op === 'compact' ? (report.results.get(i) ?? 0) : undefined));
    // Registered before the queue hears of the commit, so `flush` (drain, then barrier) covers it.
    void frontier.awaitSync(batch, results);
    return null;
  }

  async close(): Promise<void> {
    await this.frontier.close();
    await this.writer.stop();
  }
}
