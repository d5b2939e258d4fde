import type Database from 'libsql';
import { SpineError } from '../core/spine/SpineError.ts';
import type { PartitionId, StoredOutcome } from '../core/spine/EventSpine.ts';
import type { DurableFrontier } from './DurableFrontier.ts';
import type { SpineStatements } from './sqliteStatements.ts';
import type { CommitOutcome, Deferred, WriteOp } from './WriteQueue.ts';

/** The write counters a committer keeps (a subset of `SqliteSpineStats`). */
export interface WriteCounters {
  commits: number;
  failedCommits: number;
  appends: number;
  rows: number;
  largestBatch: number;
}

/** Outcomes of appends not yet acknowledged, per partition, by command id. */
export type PendingCommands = Map<PartitionId, Map<string, StoredOutcome>>;

/**
 * What a committer shares with the spine that owns it: the spine's own connection and statements,
 * its seq heads and pending command outcomes (both dropped or trimmed after a failed batch), its
 * counters, and the ops still queued behind the batch being committed.
 */
export interface CommitContext {
  readonly db: Database.Database;
  readonly sql: SpineStatements;
  /** Last assigned seq per partition; cleared after a failed batch (reloaded from the file). */
  readonly heads: Map<PartitionId, number>;
  readonly pendingCommands: PendingCommands;
  readonly counters: WriteCounters;
  /** Removes and returns the ops queued behind the batch in flight. */
  takeQueued(): WriteOp[];
}

/**
 * How a batch of queued writes becomes one transaction: one implementation per writer mode
 * (`InlineCommitter`, `WorkerCommitter`, `PipelinedCommitter`).
 * `commit` settles every op of the batch (resolve: acknowledged; reject: nothing of it stored)
 * and returns what `WriteQueue` expects: null or the batch's error, or a promise of it while the
 * next batch must wait.
 */
export interface BatchCommitter {
  /** Non-null when commits are acknowledged by a later WAL sync: reads are capped by it. */
  readonly frontier: DurableFrontier | null;
  commit(batch: readonly WriteOp[]): CommitOutcome;
  /** Stops what the committer started (WAL sync fd, writer thread); the queue was drained first. */
  close(): Promise<void>;
}

/** Forgets a finished (acknowledged or failed) append's pending command outcome. */
export function forgetCommand(pending: PendingCommands, op: WriteOp): void {
  if (op.op !== 'append' || op.commandId === undefined) return;
  const byId = pending.get(op.partition);
  if (byId?.get(op.commandId) === op.outcome) byId?.delete(op.commandId);
  if (byId?.size === 0) pending.delete(op.partition);
}

/** Counts one committed transaction of `batch`. */
export function countCommit(counters: WriteCounters, batch: readonly WriteOp[]): void {
  counters.commits++;
  counters.largestBatch = Math.max(counters.largestBatch, batch.length);
}

/** Acknowledges op `i` of a batch: an append with its result, any other op with `result`. */
export function acknowledge(counters: WriteCounters, op: WriteOp, result: unknown): void {
  if (op.op === 'append') {
    counters.appends++;
    counters.rows += op.events.length;
    op.done.resolve(op.result);
  } else {
    (op.done as Deferred<unknown>).resolve(result);
  }
}

/**
 * Refuses `ops` after a failed write transaction: nothing of them is stored. Counts the failure,
 * forgets the seq heads (reloaded from the file, so the next append reuses the lost seqs), drops
 * the pending command outcomes (`'all'`, when nothing else awaits acknowledgement) or only those
 * of `ops` (`'ops'`: earlier batches still await their WAL sync), and rejects every op with the
 * returned `write_failed` error.
 */
export function refuseBatch(
  ctx: CommitContext,
  ops: readonly WriteOp[],
  pending: 'all' | 'ops',
  reason: string,
  cause?: unknown,
): SpineError {
  ctx.counters.failedCommits++;
  ctx.heads.clear();
  if (pending === 'all') ctx.pendingCommands.clear();
  else for (const op of ops) forgetCommand(ctx.pendingCommands, op);
  const error = new SpineError('write_failed', `the write transaction failed: ${reason}`, {}, cause);
  for (const op of ops) op.done.reject(error);
  return error;
}
