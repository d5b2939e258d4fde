import type { AppendResult, EventToAppend, PartitionId, Snapshot, StoredOutcome } from '../core/spine/EventSpine.ts';
import type { SpineError } from '../core/spine/SpineError.ts';

/** A promise with its settle functions outside (Node 20 lacks `Promise.withResolvers`). */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** One queued write; every kind commits in the batch's single transaction. */
export type WriteOp =
  | {
      readonly op: 'append';
      readonly partition: PartitionId;
      readonly firstSeq: number;
      readonly events: readonly EventToAppend[];
      readonly commandId: string | undefined;
      readonly outcome: StoredOutcome | null;
      readonly result: AppendResult;
      readonly done: Deferred<AppendResult>;
    }
  | {
      readonly op: 'snapshot';
      readonly partition: PartitionId;
      readonly snapshot: Snapshot;
      readonly done: Deferred<void>;
    }
  | {
      readonly op: 'record';
      readonly kind: string;
      readonly key: string;
      readonly value: string;
      readonly done: Deferred<void>;
    }
  | {
      readonly op: 'compact';
      readonly partition: PartitionId;
      readonly beforeSeq: number;
      readonly done: Deferred<number>;
    };

/**
 * Group commit. Writes queue up during an event-loop turn; one `setImmediate` hands the whole
 * queue to `commit` (one transaction). A queue reaching `maxBatchRows` is committed at once,
 * synchronously, by the push that filled it. `commit` is synchronous, so writes arriving while
 * it runs cannot exist: they land in the next batch.
 */
export class WriteQueue {
  private ops: WriteOp[] = [];
  private rows = 0;
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly maxBatchRows: number,
    private readonly commit: (batch: readonly WriteOp[]) => SpineError | null,
  ) {
    if (!Number.isSafeInteger(maxBatchRows) || maxBatchRows < 1) {
      throw new RangeError('maxBatchRows must be a positive integer');
    }
  }

  /** Queues `op`, which writes `rows` rows. */
  push(op: WriteOp, rows: number): void {
    this.ops.push(op);
    this.rows += rows;
    if (this.rows >= this.maxBatchRows) {
      this.flushNow();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.onTurnEnd);
    }
  }

  /** Commits everything queued now; returns the batch's error, or null (also when empty). */
  flushNow(): SpineError | null {
    if (this.ops.length === 0) return null;
    const batch = this.ops;
    this.ops = [];
    this.rows = 0;
    return this.commit(batch);
  }

  /** After close, a pending scheduled flush does nothing (the owner flushed before closing). */
  close(): void {
    this.closed = true;
  }

  private readonly onTurnEnd = (): void => {
    this.scheduled = false;
    if (!this.closed) this.flushNow();
  };
}
