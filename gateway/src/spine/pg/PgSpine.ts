import type { Pool, PoolClient } from 'pg';
import type {
  AppendRequest,
  AppendResult,
  EventSpine,
  PartitionId,
  ReadOptions,
  Snapshot,
  StoredEvent,
  StoredOutcome,
} from '../../core/spine/EventSpine.ts';
import { prefixUpperBound } from '../../core/spine/prefixUpperBound.ts';
import { isSpineError, SpineError } from '../../core/spine/SpineError.ts';
import { decodeEventRow, decodeRecordValue, decodeSnapshotRow, type RowResult } from '../../core/spine/storedRows.ts';
import { deferred } from '../WriteQueue.ts';
import { BoundedMap, CommandLookups } from './CommandLookups.ts';
import { commitTurn, errorText } from './commitTurn.ts';
import { asHead, compactPartition } from './compactPartition.ts';
import type { PgStatements } from './pgSql.ts';
import { PgTurn } from './PgTurn.ts';

/** The part of a pino logger the PostgreSQL spine uses. */
export interface PgSpineLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Counters for metrics and tests. */
export interface PgSpineStats {
  /** Write turns committed (each is one transaction, appends or not). */
  readonly commits: number;
  /** Turns rolled back: their `work` rejected, or the write or COMMIT failed. */
  readonly failedCommits: number;
  /** Appends acknowledged. */
  readonly appends: number;
  /** Event rows written. */
  readonly rows: number;
  /** Most appends one turn carried. */
  readonly largestBatch: number;
}

/** What {@link PgSpine}'s constructor takes; use `openPgSpine`. */
export interface PgSpineParts {
  readonly epoch: string;
  readonly schema: string;
  /** Connections for write turns (each open turn holds one). */
  readonly turnPool: Pool;
  /** Connections for everything else (reads, lookups, snapshots, records, compaction). */
  readonly queryPool: Pool;
  readonly sql: PgStatements;
  readonly logger: PgSpineLogger;
  /** Largest number of event rows one INSERT statement carries. */
  readonly maxRowsPerStatement: number;
}

/** Committed command outcomes this node remembers (command ids are never deleted, so never stale). */
const KNOWN_COMMANDS = 65_536;

function rejected<T>(error: SpineError): Promise<T> {
  return Promise.reject(error);
}

/**
 * A rejected `durable` promise nobody awaits must not crash the process (unhandled rejection):
 * a failed turn also rejects `turn`, where the caller hears it. Awaiting it still throws.
 */
function observed<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

function unwrap<T>(result: RowResult<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

function commandKey(partition: PartitionId, commandId: string): string {
  return `${partition}\n${commandId}`;
}

/**
 * The scale-out event spine (see README.md): several gateway nodes share one PostgreSQL
 * database. A node appends to a partition only inside `turn(partition, work)`, which holds the
 * partition row's lock (`SELECT … FOR UPDATE`) in an open transaction: seqs are counted on from
 * the locked head synchronously, rows buffer in memory, and when `work` resolves they are
 * written in one statement and committed together (group commit).
 */
export class PgSpine implements EventSpine {
  readonly writers = 'shared' as const;
  readonly epoch: string;
  /** The PostgreSQL schema holding this spine's tables. */
  readonly schema: string;
  private readonly parts: PgSpineParts;
  private readonly sql: PgStatements;
  /** The open (working or committing) turn of each partition on this node. */
  private readonly open = new Map<PartitionId, PgTurn>();
  /** The last turn queued per partition: the next one starts after it settles. */
  private readonly tails = new Map<PartitionId, Promise<unknown>>();
  /** Every turn not yet settled; each resolves with the error its appends got, or null. */
  private readonly unsettled = new Set<Promise<SpineError | null>>();
  private readonly known = new BoundedMap<string, StoredOutcome>(KNOWN_COMMANDS);
  private readonly lookups: CommandLookups<PgTurn>;
  private closed = false;
  private ended: Promise<void> | null = null;
  private counters = { commits: 0, failedCommits: 0, appends: 0, rows: 0, largestBatch: 0 };

  /** Use `openPgSpine`. */
  constructor(parts: PgSpineParts) {
    this.parts = parts;
    this.sql = parts.sql;
    this.epoch = parts.epoch;
    this.schema = parts.schema;
    this.lookups = new CommandLookups<PgTurn>(
      async (partition, ids) =>
        (await this.parts.queryPool.query({ ...this.sql.lookupCommands, values: [partition, ids], rowMode: 'array' }))
          .rows,
      (partition) => this.open.get(partition),
      (partition, commandId, outcome, turn) => {
        if (outcome !== null) this.known.set(commandKey(partition, commandId), outcome);
        if (turn !== undefined && turn.state === 'working' && this.open.get(partition) === turn) {
          turn.checked.set(commandId, outcome !== null);
        }
      },
    );
  }

  /** Counters since open. */
  get stats(): PgSpineStats {
    return { ...this.counters };
  }

  turn<T>(partition: PartitionId, work: (head: number) => Promise<T>): Promise<T> {
    if (this.closed) return rejected(new SpineError('closed', 'the spine is closed'));
    const settledWith = deferred<SpineError | null>();
    const previous = this.tails.get(partition) ?? Promise.resolve();
    const result = previous.then(() => this.runTurn(partition, work, settledWith.resolve));
    const tail = result.then(
      () => {},
      () => {},
    );
    this.tails.set(partition, tail);
    void tail.then(() => {
      if (this.tails.get(partition) === tail) this.tails.delete(partition);
      settledWith.resolve(null);
    });
    const settled = settledWith.promise;
    this.unsettled.add(settled);
    void settled.then(() => this.unsettled.delete(settled));
    return result;
  }

  append(request: AppendRequest): { readonly seqs: readonly number[]; readonly durable: Promise<AppendResult> } {
    const { partition, events, commandId } = request;
    if (commandId !== undefined && request.outcome === undefined) {
      throw new TypeError('append: a commandId needs an outcome builder');
    }
    for (const event of events) {
      if (event.envelope.charCodeAt(0) !== 123) throw new TypeError('append: an envelope must be JSON object text');
    }
    const turn = this.open.get(partition);
    if (turn === undefined || turn.state !== 'working') {
      const error = this.closed
        ? new SpineError('closed', 'the spine is closed')
        : new SpineError(
            'no_turn',
            `append to ${partition} outside a write turn: on a shared spine, append inside spine.turn(partition, work)`,
            { partition },
          );
      if (error.code === 'no_turn') this.parts.logger.error({ partition }, error.message);
      return { seqs: [], durable: observed(rejected(error)) };
    }
    if (
      commandId !== undefined &&
      (turn.pendingCommands.has(commandId) ||
        turn.checked.get(commandId) === true ||
        this.known.has(commandKey(partition, commandId)))
    ) {
      const error = new SpineError('duplicate_command', `command ${commandId} is already stored`, {
        partition,
        commandId,
      });
      return { seqs: [], durable: observed(rejected(error)) };
    }
    const firstSeq = turn.head + 1;
    const seqs = new Array<number>(events.length);
    for (let i = 0; i < events.length; i++) seqs[i] = firstSeq + i;
    const lastSeq = turn.head + events.length;
    // Built before any state changes: a throwing builder is a programmer error and leaves nothing behind.
    const outcome = request.outcome === undefined ? null : request.outcome(lastSeq);
    turn.head = lastSeq;
    turn.rows += events.length;
    if (commandId !== undefined && outcome !== null) turn.pendingCommands.set(commandId, outcome);
    const done = deferred<AppendResult>();
    turn.appends.push({ firstSeq, events, commandId, outcome, result: { seqs, outcome }, done });
    return { seqs, durable: observed(done.promise) };
  }

  async read(partition: PartitionId, afterSeq: number, options: ReadOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const limit = options.limit ?? 1000;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('read: limit must be a positive integer');
    const { rows } = await this.parts.queryPool.query(
      options.canvasId === undefined
        ? { ...this.sql.readAll, values: [partition, afterSeq, limit], rowMode: 'array' }
        : {
            ...(options.projectWide === true ? this.sql.readCanvasAndProject : this.sql.readCanvas),
            values: [partition, options.canvasId, afterSeq, limit],
            rowMode: 'array',
          },
    );
    const out = new Array<StoredEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = unwrap(decodeEventRow(partition, rows[i] as unknown[]));
    return out;
  }

  async head(partition: PartitionId): Promise<number> {
    this.assertOpen();
    const turn = this.open.get(partition);
    if (turn !== undefined) return turn.head;
    const { rows } = await this.parts.queryPool.query({ ...this.sql.head, values: [partition], rowMode: 'array' });
    // A turn may have opened while the query ran: its head is the newer answer.
    return this.open.get(partition)?.head ?? asHead(rows[0]?.[0], partition);
  }

  async floor(partition: PartitionId): Promise<number> {
    this.assertOpen();
    const { rows } = await this.parts.queryPool.query({ ...this.sql.floor, values: [partition], rowMode: 'array' });
    const value = rows[0]?.[0];
    if (value === undefined) return 1;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new SpineError('corrupt_row', `corrupt floor of ${partition}: ${JSON.stringify(value)}`, { partition });
    }
    return value;
  }

  async lookupCommand(partition: PartitionId, commandId: string): Promise<StoredOutcome | null> {
    this.assertOpen();
    const pending = this.open.get(partition)?.pendingCommands.get(commandId);
    if (pending !== undefined) return pending;
    const known = this.known.get(commandKey(partition, commandId));
    if (known !== undefined) return known;
    const found = await this.lookups.lookup(partition, commandId);
    // Appended by this node's turn while the query ran.
    return found ?? this.open.get(partition)?.pendingCommands.get(commandId) ?? null;
  }

  async saveSnapshot(partition: PartitionId, snapshot: Snapshot): Promise<void> {
    this.assertOpen();
    const s = snapshot;
    await this.write('saving a snapshot', { partition, canvasId: s.canvasId }, () =>
      this.parts.queryPool.query({
        ...this.sql.upsertSnapshot,
        values: [
          partition,
          s.canvasId,
          s.seq,
          s.revision,
          Buffer.from(s.state.buffer, s.state.byteOffset, s.state.byteLength),
          s.meta,
        ],
      }),
    );
  }

  async loadSnapshot(partition: PartitionId, canvasId: string): Promise<Snapshot | null> {
    this.assertOpen();
    const { rows } = await this.parts.queryPool.query({
      ...this.sql.loadSnapshot,
      values: [partition, canvasId],
      rowMode: 'array',
    });
    const row = rows[0] as unknown[] | undefined;
    return row === undefined ? null : unwrap(decodeSnapshotRow(partition, canvasId, row));
  }

  compact(partition: PartitionId, beforeSeq: number): Promise<number> {
    if (!Number.isSafeInteger(beforeSeq)) throw new RangeError('compact: beforeSeq must be an integer');
    if (this.isClosed()) return rejected(new SpineError('closed', 'the spine is closed'));
    return this.write('compacting', { partition }, () =>
      compactPartition(this.parts.queryPool, this.sql, partition, beforeSeq),
    );
  }

  async getRecord(kind: string, key: string): Promise<string | null> {
    this.assertOpen();
    const { rows } = await this.parts.queryPool.query({ ...this.sql.getRecord, values: [kind, key], rowMode: 'array' });
    const row = rows[0] as unknown[] | undefined;
    return row === undefined ? null : unwrap(decodeRecordValue(kind, key, row[0]));
  }

  async putRecord(kind: string, key: string, value: string): Promise<void> {
    this.assertOpen();
    await this.write('storing a record', { kind, key }, () =>
      this.parts.queryPool.query({ ...this.sql.putRecord, values: [kind, key, value] }),
    );
  }

  async putRecordIf(kind: string, key: string, value: string, expected: string | null): Promise<boolean> {
    this.assertOpen();
    // One statement each: INSERT … DO NOTHING waits on a racing insert's unique-index entry and
    // then does nothing; UPDATE … WHERE value = $4 re-checks the row a racing update left.
    const { rowCount } = await this.write('storing a record if unchanged', { kind, key }, () =>
      expected === null
        ? this.parts.queryPool.query({ ...this.sql.insertRecordIfAbsent, values: [kind, key, value] })
        : this.parts.queryPool.query({ ...this.sql.updateRecordIf, values: [kind, key, value, expected] }),
    );
    return rowCount === 1;
  }

  async listRecords(kind: string, keyPrefix: string): Promise<Array<{ key: string; value: string }>> {
    this.assertOpen();
    const bound = prefixUpperBound(keyPrefix);
    const { rows } = await this.parts.queryPool.query(
      bound === null
        ? { ...this.sql.listRecordsOpen, values: [kind, keyPrefix], rowMode: 'array' }
        : { ...this.sql.listRecords, values: [kind, keyPrefix, bound], rowMode: 'array' },
    );
    const out: Array<{ key: string; value: string }> = [];
    for (const [key, value] of rows as unknown[][]) {
      if (typeof key !== 'string' || !key.startsWith(keyPrefix)) continue;
      out.push({ key, value: unwrap(decodeRecordValue(kind, key, value)) });
    }
    return out;
  }

  /** True when the database answers within `timeoutMs` (for `/readyz`); false when closed or unreachable. */
  async ready(timeoutMs = 2000): Promise<boolean> {
    if (this.isClosed()) return false;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.parts.queryPool.query('SELECT 1').then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once every turn started so far has committed; rejects if one of their appends failed. */
  async flush(): Promise<void> {
    const errors = await Promise.all([...this.unsettled]);
    const error = errors.find((e) => e !== null);
    if (error) throw error;
  }

  /** Lets every turn started so far finish (commit or roll back), then closes the connections. */
  close(): Promise<void> {
    if (this.ended !== null) return this.ended;
    this.closed = true;
    this.ended = (async () => {
      // Bounded: no turn can start once closed, so the set only shrinks.
      while (this.unsettled.size > 0) await Promise.all([...this.unsettled]);
      await Promise.all([this.parts.turnPool.end(), this.parts.queryPool.end()]);
    })();
    return this.ended;
  }

  /** Closed, and no turn left that `close` waits for (a turn's work may still read until it ends). */
  private isClosed(): boolean {
    return this.closed && this.unsettled.size === 0;
  }

  private assertOpen(): void {
    if (this.isClosed()) throw new SpineError('closed', 'the spine is closed');
  }

  /** Runs a write outside turns; an engine failure becomes `write_failed`. */
  private async write<T>(what: string, details: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (cause) {
      if (isSpineError(cause)) throw cause;
      throw new SpineError('write_failed', `${what} failed: ${errorText(cause)}`, details, cause);
    }
  }

  /**
   * One write turn: lock, `work`, write, COMMIT. `settle` hears the error the turn's appends were
   * rejected with (null when they were acknowledged or there were none).
   */
  private async runTurn<T>(
    partition: PartitionId,
    work: (head: number) => Promise<T>,
    settle: (error: SpineError | null) => void,
  ): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.parts.turnPool.connect();
    } catch (cause) {
      throw new SpineError('write_failed', `cannot open a write turn: ${errorText(cause)}`, { partition }, cause);
    }
    // A connection that dies while checked out (server restart, pg_terminate_backend) reports
    // here; the turn's next query then fails and the turn rolls back.
    let connectionError: unknown = null;
    const onError = (error: unknown) => {
      connectionError = error;
      this.parts.logger.warn({ err: error, partition }, 'the connection of a write turn failed');
    };
    client.on('error', onError);
    const release = () => {
      client.removeListener('error', onError);
      client.release(connectionError === null ? undefined : (connectionError as Error));
    };
    let turn: PgTurn;
    try {
      const results = (await client.query(this.sql.beginTurn(client.escapeLiteral(partition)))) as unknown as Array<{
        rows: Array<{ head: unknown }>;
      }>;
      turn = new PgTurn(partition, asHead(results[2]?.rows[0]?.head, partition));
    } catch (cause) {
      connectionError ??= cause;
      await client.query('ROLLBACK').catch(() => {});
      release();
      if (isSpineError(cause)) throw cause;
      throw new SpineError('write_failed', `cannot open a write turn: ${errorText(cause)}`, { partition }, cause);
    }
    this.open.set(partition, turn);
    let value: T;
    try {
      value = await work(turn.startHead);
    } catch (reason) {
      turn.state = 'committing';
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        (cause: unknown) => {
          connectionError ??= cause;
          return false;
        },
      );
      this.open.delete(partition);
      release();
      this.counters.failedCommits++;
      const error = new SpineError(
        'write_failed',
        `the write turn's work failed${rolledBack ? '' : ' (and so did ROLLBACK)'}; its appends were rolled back`,
        { partition },
        reason,
      );
      turn.rejectAll(error);
      settle(turn.appends.length > 0 ? error : null);
      throw reason;
    }
    turn.state = 'committing';
    const failure = await commitTurn(client, turn, this.sql, this.parts.maxRowsPerStatement);
    if (failure !== null && failure.code === 'write_failed') connectionError ??= failure.cause ?? failure;
    this.open.delete(partition);
    release();
    if (failure !== null) {
      this.counters.failedCommits++;
      settle(failure);
      throw failure;
    }
    this.counters.commits++;
    this.counters.appends += turn.appends.length;
    this.counters.rows += turn.rows;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, turn.appends.length);
    for (const append of turn.appends) {
      if (append.commandId !== undefined && append.outcome !== null) {
        this.known.set(commandKey(partition, append.commandId), append.outcome);
      }
      append.done.resolve(append.result);
    }
    settle(null);
    return value;
  }
}
