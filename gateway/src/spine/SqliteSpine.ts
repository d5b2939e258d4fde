import type Database from 'libsql';
import type {
  AppendRequest,
  AppendResult,
  EventSpine,
  PartitionId,
  ReadOptions,
  Snapshot,
  StoredEvent,
  StoredOutcome,
} from '../core/spine/EventSpine.ts';
import { LocalTurns } from '../core/spine/LocalTurns.ts';
import { prefixUpperBound } from '../core/spine/prefixUpperBound.ts';
import { SpineError } from '../core/spine/SpineError.ts';
import {
  decodeEventRow,
  decodeOutcomeRow,
  decodeRecordValue,
  decodeSnapshotRow,
  type RowResult,
} from '../core/spine/storedRows.ts';
import type { BatchCommitter, CommitContext, PendingCommands } from './BatchCommitter.ts';
import { CommandIdIndex, type CommandIdIndexStats } from './CommandIdIndex.ts';
import type { DurableFrontier } from './DurableFrontier.ts';
import { prepareSpineStatements, type SpineStatements, storedFloor } from './sqliteStatements.ts';
import type { WalCheckpointer } from './WalCheckpointer.ts';
import { type Deferred, deferred, WriteQueue, type WriteOp } from './WriteQueue.ts';

/** Counters for metrics and tests. */
export interface SqliteSpineStats {
  /** Write transactions committed. */
  readonly commits: number;
  /** Write transactions rolled back (each rejected its whole batch). */
  readonly failedCommits: number;
  /** Appends acknowledged. */
  readonly appends: number;
  /** Event rows written. */
  readonly rows: number;
  /** Most write operations one transaction carried. */
  readonly largestBatch: number;
  /** Background checkpoints that failed (the inline autocheckpoint still bounds the WAL). */
  readonly checkpointFailures: number;
  /** The in-memory index of stored command ids (see CommandIdIndex.ts). */
  readonly commandIds: CommandIdIndexStats;
  /** Command lookups the index answered (absent) without a query, and lookups that queried. */
  readonly lookupsSkipped: number;
  readonly lookupQueries: number;
  /** WAL syncs completed (`writer: 'pipelined'`; 0 otherwise). */
  readonly walSyncs: number;
}

const MAX_ABSENT_MARKS = 65_536;

function commandKey(partition: PartitionId, commandId: string): string {
  return `${partition}\n${commandId}`;
}

function rejected<T>(error: SpineError): Promise<T> {
  return Promise.reject(error);
}

function unwrap<T>(result: RowResult<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * The embedded event spine (see README.md): WAL-mode SQLite with group commit. `append`
 * assigns sequence numbers at once from a per-partition head cached in memory; every write
 * queued in one event-loop turn commits in one transaction (a `BatchCommitter`, one per writer
 * mode), then their promises settle. Open it with `openSqliteSpine`.
 */
export class SqliteSpine implements EventSpine {
  readonly epoch: string;
  readonly writers = 'single' as const;
  private readonly turns = new LocalTurns(
    (partition) => this.head(partition),
    () => this.flush(),
  );
  private readonly db: Database.Database;
  private readonly sql: SpineStatements;
  private readonly queue: WriteQueue;
  private readonly checkpointer: WalCheckpointer | null;
  /** Writes each batch (per writer mode). */
  private readonly committer: BatchCommitter;
  /** The committer's durable frontier when a WAL sync acknowledges commits; null otherwise. */
  private readonly frontier: DurableFrontier | null;
  /** Last assigned seq per partition (durable or pending); loaded lazily, dropped after a failed batch. */
  private readonly heads = new Map<PartitionId, number>();
  /** Outcomes of appends not yet acknowledged (queued, committing, or awaiting their sync), per partition. */
  private readonly pendingCommands: PendingCommands = new Map();
  /**
   * Command ids `lookupCommand` just found absent from the file. The gateway looks a command up
   * before appending it, so the append under that id skips its own query (one native call is
   * ~10 µs with libsql). Each mark is used once; bounded, oldest dropped first.
   */
  private readonly checkedAbsent = new Map<string, true>();
  /** Which command ids may be stored: a new id is known absent without a query. */
  private readonly commandIds: CommandIdIndex;
  private closed = false;
  private readonly counters = {
    commits: 0,
    failedCommits: 0,
    appends: 0,
    rows: 0,
    largestBatch: 0,
    lookupsSkipped: 0,
    lookupQueries: 0,
  };

  /** Use `openSqliteSpine`. */
  constructor(
    db: Database.Database,
    epoch: string,
    maxBatchRows: number,
    /** Builds the writer mode's committer on the spine's shared state. */
    makeCommitter: (ctx: CommitContext) => BatchCommitter,
    checkpointer: WalCheckpointer | null = null,
    /**
     * The file the command-id index scans at open; null when the log was empty at open
     * (`:memory:`). Absent: no index (every lookup queries).
     */
    commandIndex?: { path: string | null },
  ) {
    this.db = db;
    this.commandIds = new CommandIdIndex(
      commandIndex === undefined ? { path: null, disabled: true } : { path: commandIndex.path },
      () => this.uncommittedCommandKeys(),
    );
    this.checkpointer = checkpointer;
    this.epoch = epoch;
    this.sql = prepareSpineStatements(db);
    this.committer = makeCommitter({
      db,
      sql: this.sql,
      heads: this.heads,
      pendingCommands: this.pendingCommands,
      counters: this.counters,
      takeQueued: () => this.queue.takeQueued(),
    });
    this.frontier = this.committer.frontier;
    this.queue = new WriteQueue(maxBatchRows, (batch) => this.committer.commit(batch));
  }

  /** Counters since open. */
  get stats(): SqliteSpineStats {
    return {
      ...this.counters,
      checkpointFailures: this.checkpointer?.failures.count ?? 0,
      commandIds: this.commandIds.stats,
      walSyncs: this.frontier?.syncs ?? 0,
    };
  }

  turn<T>(partition: PartitionId, work: (head: number) => Promise<T>): Promise<T> {
    return this.turns.run(partition, work);
  }

  append(request: AppendRequest): { readonly seqs: readonly number[]; readonly durable: Promise<AppendResult> } {
    const { partition, events, commandId } = request;
    if (this.closed) return { seqs: [], durable: rejected(new SpineError('closed', 'the spine is closed')) };
    const broken = this.syncFailure();
    if (broken !== null) return { seqs: [], durable: rejected(broken) };
    if (commandId !== undefined && request.outcome === undefined) {
      throw new TypeError('append: a commandId needs an outcome builder');
    }
    for (const event of events) {
      if (event.envelope.charCodeAt(0) !== 123) throw new TypeError('append: an envelope must be JSON object text');
    }
    let head: number;
    try {
      if (commandId !== undefined && this.commandKnown(partition, commandId)) {
        const error = new SpineError('duplicate_command', `command ${commandId} is already stored`, {
          partition,
          commandId,
        });
        return { seqs: [], durable: rejected(error) };
      }
      head = this.headOf(partition);
    } catch (cause) {
      const error = new SpineError(
        'write_failed',
        `cannot read the partition head: ${String(cause)}`,
        { partition },
        cause,
      );
      return { seqs: [], durable: rejected(error) };
    }
    const seqs = new Array<number>(events.length);
    for (let i = 0; i < events.length; i++) seqs[i] = head + 1 + i;
    const lastSeq = head + events.length;
    // Built before any state changes: a throwing builder is a programmer error and leaves nothing behind.
    const outcome = request.outcome === undefined ? null : request.outcome(lastSeq);
    // Synced writers: the first append to a partition since open; everything stored before it is durable.
    this.frontier?.noteAppend(partition, head);
    this.heads.set(partition, lastSeq);
    const done = deferred<AppendResult>();
    if (commandId !== undefined && outcome !== null) {
      this.commandIds.add(commandKey(partition, commandId));
      let byId = this.pendingCommands.get(partition);
      if (byId === undefined) {
        byId = new Map();
        this.pendingCommands.set(partition, byId);
      }
      byId.set(commandId, outcome);
    }
    this.queue.push(
      { op: 'append', partition, firstSeq: head + 1, events, commandId, outcome, result: { seqs, outcome }, done },
      events.length + (commandId === undefined ? 0 : 1),
    );
    return { seqs, durable: done.promise };
  }

  async read(partition: PartitionId, afterSeq: number, options: ReadOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const limit = options.limit ?? 1000;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`read: limit must be a positive integer`);
    const rows = (
      options.canvasId === undefined
        ? this.sql.readAll.all([partition, afterSeq, limit])
        : options.projectWide === true
          ? this.sql.readCanvasAndProject.all([
              partition,
              options.canvasId,
              afterSeq,
              limit,
              partition,
              afterSeq,
              limit,
              limit,
            ])
          : this.sql.readCanvas.all([partition, options.canvasId, afterSeq, limit])
    ) as unknown[][];
    let count = rows.length;
    // Synced writers: rows above the durable seq are committed but not synced yet; they are the tail (seq order).
    const durable = this.frontier?.cap(partition);
    if (durable !== undefined) while (count > 0 && Number((rows[count - 1] as unknown[])[0]) > durable) count--;
    const out = new Array<StoredEvent>(count);
    for (let i = 0; i < count; i++) out[i] = unwrap(decodeEventRow(partition, rows[i] as unknown[]));
    return out;
  }

  async head(partition: PartitionId): Promise<number> {
    this.assertOpen();
    return this.headOf(partition);
  }

  async floor(partition: PartitionId): Promise<number> {
    this.assertOpen();
    await this.othersDurable();
    return storedFloor(this.sql, partition) ?? 1;
  }

  async lookupCommand(partition: PartitionId, commandId: string): Promise<StoredOutcome | null> {
    this.assertOpen();
    const key = commandKey(partition, commandId);
    const pending = this.pendingCommands.get(partition)?.get(commandId);
    // Queued or awaiting its sync: answered from memory (the interface: lookup sees pending appends).
    // Pipelined: a committed command stays here until its sync completes, so the query below only
    // ever finds durable rows.
    if (pending !== undefined) return pending;
    const broken = this.syncFailure();
    if (broken !== null) throw broken;
    if (!this.commandIds.mightContain(key)) {
      // Never appended nor stored: the append under this id needs no check either.
      this.counters.lookupsSkipped++;
      return null;
    }
    this.counters.lookupQueries++;
    const row = this.sql.lookupCommand.get([partition, commandId]) as unknown[] | undefined;
    if (row !== undefined) return unwrap(decodeOutcomeRow(partition, commandId, row));
    if (this.checkedAbsent.size >= MAX_ABSENT_MARKS) {
      this.checkedAbsent.delete(this.checkedAbsent.keys().next().value as string);
    }
    this.checkedAbsent.set(key, true);
    return null;
  }

  saveSnapshot(partition: PartitionId, snapshot: Snapshot): Promise<void> {
    return this.enqueue<void>((done) => ({ op: 'snapshot', partition, snapshot, done }));
  }

  async loadSnapshot(partition: PartitionId, canvasId: string): Promise<Snapshot | null> {
    this.assertOpen();
    await this.othersDurable();
    const row = this.sql.loadSnapshot.get([partition, canvasId]) as unknown[] | undefined;
    return row === undefined ? null : unwrap(decodeSnapshotRow(partition, canvasId, row));
  }

  compact(partition: PartitionId, beforeSeq: number): Promise<number> {
    if (!Number.isSafeInteger(beforeSeq)) throw new RangeError('compact: beforeSeq must be an integer');
    if (this.closed) return rejected(new SpineError('closed', 'the spine is closed'));
    // Never past the last assigned seq: events appended after this call are never compacted by it.
    let target: number;
    try {
      target = Math.min(beforeSeq, this.headOf(partition) + 1);
    } catch (cause) {
      return rejected(new SpineError('write_failed', `cannot read the partition head: ${String(cause)}`, {}, cause));
    }
    return this.enqueue<number>((done) => ({ op: 'compact', partition, beforeSeq: target, done }));
  }

  async getRecord(kind: string, key: string): Promise<string | null> {
    this.assertOpen();
    await this.othersDurable();
    const row = this.sql.getRecord.get([kind, key]) as unknown[] | undefined;
    return row === undefined ? null : unwrap(decodeRecordValue(kind, key, row[0]));
  }

  putRecord(kind: string, key: string, value: string): Promise<void> {
    return this.enqueue<void>((done) => ({ op: 'record', kind, key, value, done }));
  }

  putRecordIf(kind: string, key: string, value: string, expected: string | null): Promise<boolean> {
    // Compared and written by one statement inside the batch's transaction, after the batch's
    // earlier ops: atomic against every other write (all go through the queue).
    return this.enqueue<boolean>((done) => ({ op: 'recordIf', kind, key, value, expected, done }));
  }

  async listRecords(kind: string, keyPrefix: string): Promise<Array<{ key: string; value: string }>> {
    this.assertOpen();
    await this.othersDurable();
    const bound = prefixUpperBound(keyPrefix);
    const rows = (
      bound === null
        ? this.sql.listRecordsOpen.all([kind, keyPrefix])
        : this.sql.listRecords.all([kind, keyPrefix, bound])
    ) as unknown[][];
    const out: Array<{ key: string; value: string }> = [];
    for (const [key, value] of rows) {
      if (typeof key !== 'string' || !key.startsWith(keyPrefix)) continue;
      out.push({ key, value: unwrap(decodeRecordValue(kind, key, value)) });
    }
    return out;
  }

  async flush(): Promise<void> {
    const error = await this.queue.drain();
    if (error !== null) throw error;
    await this.frontier?.barrier();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.drain();
    this.queue.close();
    await this.committer.close();
    await this.checkpointer?.stop();
    await this.commandIds.close();
    this.db.close();
  }

  private enqueue<T>(build: (done: Deferred<T>) => WriteOp): Promise<T> {
    if (this.closed) return rejected(new SpineError('closed', 'the spine is closed'));
    const broken = this.syncFailure();
    if (broken !== null) return rejected(broken);
    const done = deferred<T>();
    this.queue.push(build(done), 1);
    return done.promise;
  }

  private assertOpen(): void {
    if (this.closed) throw new SpineError('closed', 'the spine is closed');
  }

  /** Synced writers: after a failed WAL sync nothing can be acknowledged any more; the error every write gets. */
  private syncFailure(): SpineError | null {
    return this.frontier?.failure() ?? null;
  }

  /** Synced writers: snapshots, records and floors wait while such a write is committed but not durable. */
  private async othersDurable(): Promise<void> {
    await this.frontier?.othersDurable();
  }

  private headOf(partition: PartitionId): number {
    let head = this.heads.get(partition);
    if (head === undefined) {
      const max = (this.sql.maxSeq.get([partition]) as unknown[] | undefined)?.[0];
      const maxSeq = typeof max === 'number' ? max : 0;
      // A partition compacted to empty keeps counting from its floor: seqs are never reused.
      head = Math.max(maxSeq, (storedFloor(this.sql, partition) ?? 1) - 1);
      this.heads.set(partition, head);
    }
    return head;
  }

  private commandKnown(partition: PartitionId, commandId: string): boolean {
    if (this.pendingCommands.get(partition)?.has(commandId)) return true;
    const key = commandKey(partition, commandId);
    if (!this.commandIds.mightContain(key)) return false;
    // Absent at lookup and not pending now: nothing can have stored it since (stores go through the queue).
    if (this.checkedAbsent.delete(key)) return false;
    return this.sql.commandExists.get([partition, commandId]) !== undefined;
  }

  /** Keys of commands appended but not yet acknowledged durable. */
  private *uncommittedCommandKeys(): Iterable<string> {
    for (const [partition, byId] of this.pendingCommands) {
      for (const commandId of byId.keys()) yield commandKey(partition, commandId);
    }
  }
}
