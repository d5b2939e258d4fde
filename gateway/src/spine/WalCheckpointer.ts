import type { Worker } from 'node:worker_threads';
import { startLibsqlWorker } from './startLibsqlWorker.ts';

/**
 * The worker's code, plain CommonJS run with `eval` so it loads the same way under node, tsx and
 * Vitest (no TypeScript loader in the worker). It opens its own connection and runs a PASSIVE
 * checkpoint every `intervalMs`: PASSIVE never blocks the writer, and copying the WAL back into
 * the database (with its fsync) happens here instead of inside a commit on the event loop.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.libsql);
let db;
try {
  db = new Database(workerData.path);
  db.exec('PRAGMA busy_timeout = 0');
  db.exec('PRAGMA synchronous = ' + workerData.synchronous);
  db.exec('PRAGMA journal_size_limit = ' + workerData.journalSizeLimit);
} catch (error) {
  parentPort.postMessage({ error: String(error) });
  process.exit(0);
}
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').raw();
let runs = 0;
const timer = setInterval(() => {
  try {
    checkpoint.all();
    runs++;
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } catch {}
  parentPort.postMessage({ stopped: runs });
  parentPort.close();
});
`;

export interface WalCheckpointerOptions {
  readonly path: string;
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly journalSizeLimitBytes: number;
  /** Time between checkpoints, ms. */
  readonly intervalMs: number;
}

/**
 * Checkpoints a WAL-mode database from a worker thread. Without it, the commit that passes
 * `wal_autocheckpoint` copies megabytes and fsyncs the database file on the event loop: that
 * commit's appends (and every request behind it) wait tens of milliseconds (see README.md).
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private errors = 0;
  private lastError: string | null = null;

  constructor(options: WalCheckpointerOptions) {
    ({ worker: this.worker, exited: this.exited } = startLibsqlWorker(WORKER_SOURCE, {
      path: options.path,
      synchronous: options.synchronous,
      journalSizeLimit: Math.floor(options.journalSizeLimitBytes),
      intervalMs: options.intervalMs,
    }));
    this.worker.unref();
    this.worker.on('message', (message: { error?: string }) => {
      if (message.error !== undefined) {
        this.errors++;
        this.lastError = message.error;
      }
    });
    this.worker.on('error', (error) => {
      this.errors++;
      this.lastError = String(error);
    });
  }

  /** Failed checkpoints so far (the main connection's autocheckpoint remains as a fallback). */
  get failures(): { readonly count: number; readonly last: string | null } {
    return { count: this.errors, last: this.lastError };
  }

  /** Stops the worker and closes its connection; resolves once the thread has exited. */
  async stop(): Promise<void> {
    this.worker.postMessage('stop');
    const timeout = setTimeout(() => void this.worker.terminate(), 2000);
    await this.exited;
    clearTimeout(timeout);
  }
}
