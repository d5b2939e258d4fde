import Database from 'libsql';
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
import { prefixUpperBound } from '../core/spine/prefixUpperBound.ts';
import { LocalTurns } from '../core/spine/LocalTurns.ts';
import { SpineError } from '../core/spine/SpineError.ts';
import {
  decodeEventRow,
  decodeOutcomeRow,
  decodeRecordValue,
  decodeSnapshotRow,
  type RowResult,
} from '../core/spine/storedRows.ts';
import { CommandIdIndex, type CommandIdIndexStats } from './CommandIdIndex.ts';
import { applyMigrations } from './sqliteMigrations.ts';
import { WalCheckpointer } from './WalCheckpointer.ts';
import { type BeforeWalSync, WalSync } from './WalSync.ts';
import { WorkerWriter } from './WorkerWriter.ts';
import { floorKey, prepareSpineStatements, type SpineStatements } from './sqliteStatements.ts';
import { type CommitOutcome, type Deferred, deferred, WriteQueue, type WriteOp } from './WriteQueue.ts';

/** How far an acknowledged append survives. */
export const DURABILITY = {
  /** `synchronous=FULL`: the WAL is fsynced at every commit; survives power loss and OS crashes. */
  full: 'full',
  /** `synchronous=NORMAL`: survives the process dying (kill -9), may lose the last commits on power loss. */
  normal: 'normal',
} as const;
export type Durability = keyof typeof DURABILITY;

/** Where write transactions run and how `durability: 'full'` is reached (see README.md). */
export const SQLITE_WRITERS = ['worker', 'inline', 'pipelined'] as const;
export type SqliteWriter = (typeof SQLITE_WRITERS)[number];

export interface SqliteSpineOptions {
  /**
   * The database file (created with its epoch when missing). `':memory:'` gives a private
   * in-memory log for tests: not durable, gone on close, and the WAL options do not apply.
   * @example 'data/easel.db'
   */
  readonly path: string;
  /** What an acknowledged append survives. Default `'full'` (power loss); see {@link DURABILITY}. */
  readonly durability?: Durability;
  /**
   * Flush at once, inside `append`, when this many rows are queued, instead of at the end of the
   * event-loop turn. Bounds a transaction's size and an ack's wait under a burst. Default 4096.
   * With `writer: 'worker'` the trigger waits for the batch in flight (writes accumulate meanwhile).
   */
  readonly maxBatchRows?: number;
  /**
   * How long a write waits for another connection's lock before the batch fails. The spine is
   * meant to be the file's only writer, so waiting means something else holds the file; the
   * wait blocks the event loop (the driver is synchronous). Default 5000 ms.
   */
  readonly busyTimeoutMs?: number;
  /**
   * Who copies the WAL back into the database file. `'background'`: a worker thread with its own
   * connection runs a PASSIVE checkpoint every `checkpointIntervalMs`, so no commit on the event
   * loop pays for the copy and its fsync. `'inline'`: SQLite's autocheckpoint, inside the commit
   * that passes `walAutocheckpointPages`. Default: `'background'` with `durability: 'normal'`
   * (there the checkpoint is the only fsync: ack p99 9.4 vs 16.9 ms, +17% appends/s) and
   * `'inline'` with `'full'` (every commit fsyncs already; a concurrent checkpoint fsync slowed
   * commits by ~10% here), and with `writer: 'pipelined'` (whose WAL syncs slowed with a background
   * checkpointer). Never for `:memory:`.
   */
  readonly checkpoint?: 'background' | 'inline';
  /** Time between background checkpoints. Default 20 ms. */
  readonly checkpointIntervalMs?: number;
  /**
   * `PRAGMA wal_autocheckpoint` in pages (4 KiB) on the spine's own connection: the commit that
   * passes it checkpoints inline. Default 1000 (SQLite's, ≈ 4 MB) with `checkpoint: 'inline'`;
   * 16000 (≈ 64 MB, a fallback the background worker normally never lets the WAL reach) otherwise.
   */
  readonly walAutocheckpointPages?: number;
  /** `PRAGMA journal_size_limit`: the WAL is truncated to this after a checkpoint. Default 64 MiB. */
  readonly journalSizeLimitBytes?: number;
  /**
   * Where write transactions run. `'worker'`: a worker thread with its own connection runs each
   * batch's inserts and COMMIT (with its fsync), so the event loop only assigns seqs and serves
   * reads; while one batch commits, the next accumulates. `'inline'`: on the event loop, inside
   * the turn that flushes. `'pipelined'`: on the event loop with `synchronous = NORMAL` (COMMIT
   * does not fsync); an `fdatasync` of the WAL on the libuv threadpool makes batches durable, and
   * a batch is acknowledged once a sync that started after its COMMIT has completed (the same
   * guarantee as `FULL`), while the next batch is already being written; reads never return rows
   * that are not yet durable. With `durability: 'normal'` there is nothing to sync and it is `'inline'`.
   * Default `'worker'` (`'inline'` for `:memory:`, which has no file to share).
   */
  readonly writer?: SqliteWriter;
  /**
   * Test seam of `writer: 'pipelined'`: awaited before each WAL `fdatasync` (which then runs for
   * real), so a test can hold a sync back. Not for production use.
   */
  readonly beforeWalSync?: BeforeWalSync;
  /**
   * `writer: 'pipelined'`: when a batch commits. `'eager'`: at the end of every event-loop turn,
   * also while a sync runs (the commit overlaps the sync; more, smaller transactions).
   * `'coalesced'`: at once when no sync runs, else when the running sync completes (one commit
   * per sync, batches as large as the worker's; the commit precedes its sync). Default `'coalesced'`.
   */
  readonly pipelineCommits?: 'eager' | 'coalesced';
}

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

export type OpenResult = { ok: true; value: SqliteSpine } | { ok: false; error: SpineError };

/**
 * Opens (creating and migrating when needed) a SQLite event spine. Failures to open (unreadable
 * path, a file from a newer build) are values.
 */
export function openSqliteSpine(options: SqliteSpineOptions): OpenResult {
  const memory = options.path === ':memory:' || options.path === '';
  const full = (options.durability ?? 'full') === 'full';
  const mode: SqliteWriter = memory ? 'inline' : (options.writer ?? 'worker');
  // Pipelined: commits do not fsync; the WAL sync after them gives the FULL guarantee.
  const pipelined = mode === 'pipelined' && full;
  const synchronous = full && !pipelined ? 'FULL' : 'NORMAL';
  // Pipelined defaults to inline checkpoints too: a background checkpointer's WAL and database
  // fsyncs every 20 ms slowed the pipeline's own WAL syncs (ack p99 6–31 vs 6–9 ms, spine alone).
  const background =
    !memory &&
    (options.checkpoint ?? (synchronous === 'NORMAL' && !pipelined ? 'background' : 'inline')) === 'background';
  const journalSizeLimit = Math.floor(options.journalSizeLimitBytes ?? 64 * 1024 * 1024);
  let db: Database.Database;
  try {
    db = new Database(options.path);
  } catch (cause) {
    return {
      ok: false,
      error: new SpineError('open_failed', `cannot open ${options.path}: ${String(cause)}`, {}, cause),
    };
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${synchronous}`);
    db.exec(
      `PRAGMA wal_autocheckpoint = ${Math.max(0, Math.floor(options.walAutocheckpointPages ?? (background ? 16000 : 1000)))}`,
    );
    db.exec(`PRAGMA journal_size_limit = ${journalSizeLimit}`);
    db.exec('PRAGMA temp_store = MEMORY');
  } catch (cause) {
    db.close();
    return {
      ok: false,
      error: new SpineError('open_failed', `cannot configure ${options.path}: ${String(cause)}`, {}, cause),
    };
  }
  const migrated = applyMigrations(db);
  if (!migrated.ok) {
    db.close();
    return migrated;
  }
  let walSync: WalSync | null = null;
  if (pipelined) {
    const opened = WalSync.open(options.path, options.beforeWalSync);
    if (!opened.ok) {
      db.close();
      return { ok: false, error: new SpineError('open_failed', opened.error, {}) };
    }
    walSync = opened.value;
  }
  const writer =
    mode !== 'worker'
      ? null
      : new WorkerWriter({
          path: options.path,
          synchronous,
          busyTimeoutMs: options.busyTimeoutMs ?? 5000,
          walAutocheckpointPages: options.walAutocheckpointPages ?? (background ? 16000 : 1000),
          journalSizeLimitBytes: journalSizeLimit,
        });
  const checkpointer = background
    ? new WalCheckpointer({
        path: options.path,
        synchronous,
        journalSizeLimitBytes: journalSizeLimit,
        intervalMs: options.checkpointIntervalMs ?? 20,
      })
    : null;
  return {
    ok: true,
    value: new SqliteSpine(
      db,
      migrated.value.epoch,
      options.maxBatchRows ?? 4096,
      checkpointer,
      writer,
      { path: memory ? null : options.path },
      walSync === null ? null : { sync: walSync, coalesce: (options.pipelineCommits ?? 'coalesced') === 'coalesced' },
    ),
  };
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
 * queued in one event-loop turn commits in one transaction, then their promises settle.
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
  private readonly writer: WorkerWriter | null;
  /** Last assigned seq per partition (durable or pending); loaded lazily, dropped after a failed batch. */
  private readonly heads = new Map<PartitionId, number>();
  /** Outcomes of appends still in the queue, per partition. */
  private readonly pendingCommands = new Map<PartitionId, Map<string, StoredOutcome>>();
  /**
   * Command ids `lookupCommand` just found absent from the file. The gateway looks a command up
   * before appending it, so the append under that id skips its own query (one native call is
   * ~10 µs with libsql). Each mark is used once; bounded, oldest dropped first.
   */
  private readonly checkedAbsent = new Map<string, true>();
  /** Which command ids may be stored: a new id is known absent without a query. */
  private readonly commandIds: CommandIdIndex;
  /** `writer: 'pipelined'`: the WAL sync that acknowledges committed batches; null otherwise. */
  private readonly walSync: WalSync | null;
  /** Pipelined: the next batch waits for the running sync (see `pipelineCommits`). */
  private readonly coalesce: boolean;
  /**
   * Pipelined only: the last durable seq per partition appended to since open (absent: every row
   * in the file is durable). Rows are visible to this connection at COMMIT, before their sync:
   * `read` returns nothing above this.
   */
  private readonly durableSeqs = new Map<PartitionId, number>();
  /** Pipelined only: snapshot, record and compact ops committed but not yet durable. */
  private unsyncedOthers = 0;
  private closed = false;
  private counters = {
    commits: 0,
    failedCommits: 0,
    appends: 0,
    rows: 0,
    largestBatch: 0,
    lookupsSkipped: 0,
    lookupQueries: 0,
  };

  /** Use {@link openSqliteSpine}. */
  constructor(
    db: Database.Database,
    epoch: string,
    maxBatchRows: number,
    checkpointer: WalCheckpointer | null = null,
    writer: WorkerWriter | null = null,
    /**
     * The file the command-id index scans at open; null when the log was empty at open
     * (`:memory:`). Absent: no index (every lookup queries).
     */
    commandIndex?: { path: string | null },
    pipeline: { sync: WalSync; coalesce: boolean } | null = null,
  ) {
    this.db = db;
    this.walSync = pipeline?.sync ?? null;
    this.coalesce = pipeline?.coalesce ?? false;
    this.commandIds = new CommandIdIndex(
      commandIndex === undefined ? { path: null, disabled: true } : { path: commandIndex.path },
      () => this.uncommittedCommandKeys(),
    );
    this.checkpointer = checkpointer;
    this.writer = writer;
    this.epoch = epoch;
    this.sql = prepareSpineStatements(db);
    this.queue = new WriteQueue(
      maxBatchRows,
      (batch): CommitOutcome => (this.writer === null ? this.commit(batch) : this.commitInWorker(this.writer, batch)),
    );
  }

  /** Counters since open. */
  get stats(): SqliteSpineStats {
    return {
      ...this.counters,
      checkpointFailures: this.checkpointer?.failures.count ?? 0,
      commandIds: this.commandIds.stats,
      walSyncs: this.walSync?.count ?? 0,
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
    // Pipelined: the first append to a partition since open; everything stored before it is durable.
    if (this.walSync !== null && !this.durableSeqs.has(partition)) this.durableSeqs.set(partition, head);
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
    // Pipelined: rows above the durable seq are committed but not synced yet; they are the tail (seq order).
    const durable = this.durableSeqs.get(partition);
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
    return this.storedFloor(partition) ?? 1;
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
    if (this.walSync !== null) {
      await this.walSync.barrier().catch((cause: unknown) => {
        throw this.syncFailure() ?? new SpineError('write_failed', String(cause), {}, cause);
      });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.drain();
    this.queue.close();
    await this.walSync?.close();
    await this.writer?.stop();
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

  /** Pipelined: after a failed WAL sync nothing can be acknowledged any more; the error every write gets. */
  private syncFailure(): SpineError | null {
    const failed = this.walSync?.failed ?? null;
    return failed === null ? null : new SpineError('write_failed', failed.message, {}, failed);
  }

  /**
   * Pipelined: snapshots, records and floors are read only once every such write committed so far
   * is durable (rare writes; at most one sync's wait), so no read answers from a row not yet synced.
   */
  private async othersDurable(): Promise<void> {
    if (this.unsyncedOthers === 0 || this.walSync === null) return;
    await this.walSync.barrier().catch((cause: unknown) => {
      throw this.syncFailure() ?? new SpineError('write_failed', String(cause), {}, cause);
    });
  }

  /** Pipelined: forgets a finished (durable or failed) append's pending command. */
  private forgetCommand(op: WriteOp): void {
    if (op.op !== 'append' || op.commandId === undefined) return;
    const byId = this.pendingCommands.get(op.partition);
    if (byId?.get(op.commandId) === op.outcome) byId?.delete(op.commandId);
    if (byId?.size === 0) this.pendingCommands.delete(op.partition);
  }

  /**
   * Pipelined: a batch has committed (synchronous = NORMAL, not yet on disk). Its ops settle once
   * a WAL sync that started after this point completes; then its rows become readable.
   */
  private awaitSync(
    walSync: WalSync,
    batch: readonly WriteOp[],
    results: readonly unknown[],
  ): Promise<SpineError | null> {
    let others = 0;
    for (const op of batch) if (op.op !== 'append') others++;
    this.unsyncedOthers += others;
    const settled = deferred<SpineError | null>();
    walSync.committed(
      () => {
        this.unsyncedOthers -= others;
        for (let i = 0; i < batch.length; i++) {
          const op = batch[i] as WriteOp;
          if (op.op === 'append') {
            const last = op.firstSeq + op.events.length - 1;
            if (last > (this.durableSeqs.get(op.partition) ?? 0)) this.durableSeqs.set(op.partition, last);
            this.forgetCommand(op);
            this.counters.appends++;
            this.counters.rows += op.events.length;
            op.done.resolve(op.result);
          } else {
            (op.done as Deferred<unknown>).resolve(results[i]);
          }
        }
        settled.resolve(null);
      },
      (cause) => {
        this.unsyncedOthers -= others;
        const error = new SpineError('write_failed', `committed but not made durable: ${cause.message}`, {}, cause);
        for (const op of batch) {
          this.forgetCommand(op);
          op.done.reject(error);
        }
        settled.resolve(error);
      },
    );
    return settled.promise;
  }

  private headOf(partition: PartitionId): number {
    let head = this.heads.get(partition);
    if (head === undefined) {
      const max = (this.sql.maxSeq.get([partition]) as unknown[] | undefined)?.[0];
      const maxSeq = typeof max === 'number' ? max : 0;
      // A partition compacted to empty keeps counting from its floor: seqs are never reused.
      head = Math.max(maxSeq, (this.storedFloor(partition) ?? 1) - 1);
      this.heads.set(partition, head);
    }
    return head;
  }

  private storedFloor(partition: PartitionId): number | null {
    const value = (this.sql.getMeta.get([floorKey(partition)]) as unknown[] | undefined)?.[0];
    if (value === undefined) return null;
    const floor = Number(value);
    if (!Number.isSafeInteger(floor) || floor < 1) {
      throw new SpineError('corrupt_row', `corrupt floor of ${partition}: ${JSON.stringify(value)}`, { partition });
    }
    return floor;
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

  /**
   * Has the writer thread commit one batch; settles its ops once the worker reports the commit
   * durable (or rolled back). A failure also rejects every op queued behind it: their seqs
   * followed the lost ones, so they can no longer commit without leaving a gap.
   */
  private async commitInWorker(writer: WorkerWriter, batch: readonly WriteOp[]): Promise<SpineError | null> {
    const report = await writer.commit(batch);
    if (!report.ok) {
      this.counters.failedCommits++;
      this.heads.clear();
      this.pendingCommands.clear();
      const error = new SpineError('write_failed', `the write transaction failed: ${report.error}`, {});
      for (const op of batch) op.done.reject(error);
      for (const op of this.queue.takeQueued()) op.done.reject(error);
      return error;
    }
    this.counters.commits++;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
    for (let i = 0; i < batch.length; i++) {
      const op = batch[i] as WriteOp;
      if (op.op === 'append') {
        if (op.commandId !== undefined) {
          const byId = this.pendingCommands.get(op.partition);
          if (byId?.get(op.commandId) === op.outcome) byId?.delete(op.commandId);
          if (byId?.size === 0) this.pendingCommands.delete(op.partition);
        }
        this.counters.appends++;
        this.counters.rows += op.events.length;
        op.done.resolve(op.result);
      } else if (op.op === 'compact') {
        op.done.resolve(report.results.get(i) ?? 0);
      } else {
        (op.done as Deferred<void>).resolve();
      }
    }
    return null;
  }

  /** Writes one batch in one transaction; returns null or the error every op was rejected with. */
  private commit(batch: readonly WriteOp[]): CommitOutcome {
    const broken = this.syncFailure();
    if (broken !== null) {
      // Pipelined after a failed sync: nothing more is written (it could never be acknowledged).
      for (const op of batch) {
        this.forgetCommand(op);
        op.done.reject(broken);
      }
      return broken;
    }
    const results = new Array<unknown>(batch.length);
    try {
      this.sql.begin.run();
      const eventParams: unknown[] = [];
      const commandParams: unknown[] = [];
      for (const op of batch) {
        if (op.op !== 'append') continue;
        for (let i = 0; i < op.events.length; i++) {
          const event = op.events[i] as AppendRequest['events'][number];
          eventParams.push(op.partition, op.firstSeq + i, event.canvasId, event.type, event.envelope);
        }
        if (op.commandId !== undefined && op.outcome !== null) {
          commandParams.push(op.partition, op.commandId, op.outcome.cursor, op.outcome.revision);
        }
      }
      if (eventParams.length > 0) this.sql.insertEvents.run(eventParams);
      if (commandParams.length > 0) this.sql.insertCommands.run(commandParams);
      for (let i = 0; i < batch.length; i++) results[i] = this.applyOther(batch[i] as WriteOp);
      this.sql.commit.run();
    } catch (cause) {
      this.rollback();
      this.counters.failedCommits++;
      // Nothing of the batch is stored: forget the seqs it took so the next append reuses them.
      this.heads.clear();
      // Pipelined: earlier batches are committed (awaiting their sync) and keep their pending commands.
      if (this.walSync === null) this.pendingCommands.clear();
      else for (const op of batch) this.forgetCommand(op);
      const error = new SpineError('write_failed', `the write transaction failed: ${String(cause)}`, {}, cause);
      for (const op of batch) op.done.reject(error);
      return error;
    }
    this.counters.commits++;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
    if (this.walSync !== null) {
      const synced = this.awaitSync(this.walSync, batch, results);
      // Coalesced: the queue holds the next batch until this one's sync completes.
      return this.coalesce ? synced : null;
    }
    this.pendingCommands.clear();
    for (let i = 0; i < batch.length; i++) {
      const op = batch[i] as WriteOp;
      if (op.op === 'append') {
        this.counters.appends++;
        this.counters.rows += op.events.length;
        op.done.resolve(op.result);
      } else {
        (op.done as Deferred<unknown>).resolve(results[i]);
      }
    }
    return null;
  }

  /** Writes a non-append op inside the open transaction; returns its result. */
  private applyOther(op: WriteOp): unknown {
    switch (op.op) {
      case 'append':
        return undefined;
      case 'snapshot': {
        const s = op.snapshot;
        this.sql.upsertSnapshot.run([op.partition, s.canvasId, s.seq, s.revision, s.state, s.meta]);
        return undefined;
      }
      case 'record':
        this.sql.putRecord.run([op.kind, op.key, op.value]);
        return undefined;
      case 'compact': {
        const floor = this.storedFloor(op.partition) ?? 1;
        if (op.beforeSeq <= floor) return 0;
        const { changes } = this.sql.deleteBefore.run([op.partition, op.beforeSeq]);
        this.sql.putMeta.run([floorKey(op.partition), String(op.beforeSeq)]);
        return changes;
      }
    }
  }

  private rollback(): void {
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    } catch {
      // The connection is gone (closed under us); SQLite discards the open transaction with it.
    }
  }
}
