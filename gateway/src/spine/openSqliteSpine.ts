import Database from 'libsql';
import { SpineError } from '../core/spine/SpineError.ts';
import type { BatchCommitter, CommitContext } from './BatchCommitter.ts';
import { DurableFrontier } from './DurableFrontier.ts';
import { InlineCommitter } from './InlineCommitter.ts';
import { PipelinedCommitter } from './PipelinedCommitter.ts';
import { SqliteSpine } from './SqliteSpine.ts';
import { applyMigrations } from './sqliteMigrations.ts';
import { WalCheckpointer } from './WalCheckpointer.ts';
import { type BeforeWalSync, WalSync } from './WalSync.ts';
import { WorkerCommitter } from './WorkerCommitter.ts';
import { WorkerWriter } from './WorkerWriter.ts';

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
  let makeCommitter: (ctx: CommitContext) => BatchCommitter;
  if (mode === 'worker') {
    const writer = new WorkerWriter({
      path: options.path,
      synchronous,
      busyTimeoutMs: options.busyTimeoutMs ?? 5000,
      walAutocheckpointPages: options.walAutocheckpointPages ?? (background ? 16000 : 1000),
      journalSizeLimitBytes: journalSizeLimit,
    });
    makeCommitter = (ctx) => new WorkerCommitter(ctx, writer);
  } else if (walSync !== null) {
    const sync = walSync;
    const coalesce = (options.pipelineCommits ?? 'coalesced') === 'coalesced';
    makeCommitter = (ctx) => new PipelinedCommitter(ctx, new DurableFrontier(sync, ctx), coalesce);
  } else {
    makeCommitter = (ctx) => new InlineCommitter(ctx);
  }
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
    value: new SqliteSpine(db, migrated.value.epoch, options.maxBatchRows ?? 4096, makeCommitter, checkpointer, {
      path: memory ? null : options.path,
    }),
  };
}
