import type { AppendResult, EventToAppend, PartitionId, Snapshot, StoredOutcome } from '../core/spine/EventSpine.ts';
import type { SpineError } from '../core/spine/SpineError.ts';
import { hrNowMs, type StageTrace, stageTrace } from '../trace/StageTrace.ts';

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
      /** Compare-and-set: written only when the stored value is `expected` (null: no record). */
      readonly op: 'recordIf';
      readonly kind: string;
      readonly key: string;
      readonly value: string;
      readonly expected: string | null;
      readonly done: Deferred<boolean>;
    }
  | {
      readonly op: 'compact';
      readonly partition: PartitionId;
      readonly beforeSeq: number;
      readonly done: Deferred<number>;
    };

/** A batch's outcome: null or the error its ops were rejected with; a promise when committed off-thread. */
export type CommitOutcome = SpineError | null | Promise<SpineError | null>;

/**
 * Group commit. Writes queue up during an event-loop turn; one `setImmediate` hands the whole
 * queue to `commit` (one transaction). A queue reaching `maxBatchRows` is committed at once by
 * the push that filled it. An inline `commit` is synchronous, so writes arriving while it runs
 * cannot exist: they land in the next batch. An off-thread `commit` returns a promise; until it
 * settles, writes accumulate and go, all together, as the next batch the moment it does
 * (batches commit strictly one after another, in order).
 */
export class WriteQueue {
  private ops: WriteOp[] = [];
  private rows = 0;
  private scheduled = false;
  private closed = false;
  private inFlight: Promise<SpineError | null> | null = null;

  constructor(
    private readonly maxBatchRows: number,
    private readonly commit: (batch: readonly WriteOp[]) => CommitOutcome,
  ) {
    if (!Number.isSafeInteger(maxBatchRows) || maxBatchRows < 1) {
      throw new RangeError('maxBatchRows must be a positive integer');
    }
  }

  /** Queues `op`, which writes `rows` rows. */
  push(op: WriteOp, rows: number): void {
    if (stageTrace !== null && op.op === 'append') traceAppend(stageTrace, op);
    this.ops.push(op);
    this.rows += rows;
    if (this.inFlight !== null) return;
    if (this.rows >= this.maxBatchRows) {
      this.flushNow();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.onTurnEnd);
    }
  }

  /**
   * Commits everything queued now; returns the batch's error, or null (also when empty). With an
   * off-thread commit, returns null at once: the batch goes now, or after the one in flight.
   */
  flushNow(): SpineError | null {
    if (this.ops.length === 0 || this.inFlight !== null) return null;
    const batch = this.ops;
    this.ops = [];
    this.rows = 0;
    if (stageTrace !== null) traceBatch(stageTrace, batch);
    const outcome = this.commit(batch);
    if (!(outcome instanceof Promise)) return outcome;
    const settled = outcome.then((error) => {
      this.inFlight = null;
      if (!this.closed || this.ops.length > 0) this.flushNow();
      return error;
    });
    this.inFlight = settled;
    return null;
  }

  /**
   * Waits until everything queued before the call (and what joined it) has committed; returns
   * the first failed batch's error, or null. Inline commits finish inside `flushNow`.
   */
  async drain(): Promise<SpineError | null> {
    // Each round commits at least one batch; the bound only guards against a writer that never stops.
    for (let round = 0; round < 1_000_000; round++) {
      if (this.inFlight === null) {
        const error = this.flushNow();
        if (error !== null) return error;
        if (this.inFlight === null) return null;
      }
      const error = await this.inFlight;
      if (error !== null) return error;
    }
    return null;
  }

  /** Removes and returns every queued op (their batch can no longer commit as numbered). */
  takeQueued(): WriteOp[] {
    const ops = this.ops;
    this.ops = [];
    this.rows = 0;
    return ops;
  }

  /** After close, a pending scheduled flush does nothing (the owner drained before closing). */
  close(): void {
    this.closed = true;
  }

  private readonly onTurnEnd = (): void => {
    this.scheduled = false;
    if (!this.closed) this.flushNow();
  };
}

function traceAppend(trace: StageTrace, op: Extract<WriteOp, { op: 'append' }>): void {
  const last = op.firstSeq + op.events.length - 1;
  trace.seqs(op.firstSeq, last, 'queued');
  op.done.promise.then(
    () => trace.seqs(op.firstSeq, last, 'durable'),
    () => {},
  );
}

function traceBatch(trace: StageTrace, batch: readonly WriteOp[]): void {
  const t = hrNowMs();
  for (const op of batch) {
    if (op.op === 'append') trace.seqs(op.firstSeq, op.firstSeq + op.events.length - 1, 'commitStart', t);
  }
}
