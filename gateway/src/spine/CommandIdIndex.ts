import type { Worker } from 'node:worker_threads';
import { BLOOM_SOURCE, CommandIdFilter } from './CommandIdFilter.ts';
import { startLibsqlWorker } from './startLibsqlWorker.ts';

/**
 * The scan worker, plain CommonJS run with `eval` (as WalCheckpointer.ts): opens its own
 * connection, reads every stored command key in one read transaction, sets their bits and sends
 * the filter's words back (transferred). Sized from the stored count: at least `minCapacity`,
 * else twice the count.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.libsql);
${BLOOM_SOURCE}
let db = null;
let stopping = false;
function finish(message, transfer) {
  try { if (db) { if (db.inTransaction) db.exec('ROLLBACK'); db.close(); } } catch {}
  db = null;
  parentPort.postMessage(message, transfer);
  parentPort.close();
}
parentPort.on('message', () => { stopping = true; });
try {
  db = new Database(workerData.path);
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('BEGIN');
  const stored = db.prepare('SELECT count(*) FROM commands').raw().get()[0];
  const capacity = Math.max(workerData.minCapacity, 2 * stored);
  const bits = filterBits(capacity);
  const words = new Uint32Array(bits / 32);
  const mask = bits - 1;
  const pos = new Uint32Array(HASHES);
  const rows = db.prepare('SELECT partition, command_id FROM commands').raw().iterate();
  let scanned = 0;
  // In slices, so a stop request (close) is seen between them and the thread ends on its own.
  const slice = () => {
    try {
      if (stopping) return finish({ stopped: true });
      for (let n = 0; n < 20000; n++) {
        const next = rows.next();
        if (next.done) {
          db.exec('COMMIT');
          return finish({ words, scanned, capacity }, [words.buffer]);
        }
        const row = next.value;
        bloomPositions(row[0] + '\\n' + row[1], HASHES, mask, pos);
        for (let i = 0; i < HASHES; i++) words[pos[i] >>> 5] |= 1 << (pos[i] & 31);
        scanned++;
      }
      setImmediate(slice);
    } catch (error) {
      finish({ error: String(error) });
    }
  };
  slice();
} catch (error) {
  finish({ error: String(error) });
}
`;

/** Options of {@link CommandIdIndex}. */
export interface CommandIdIndexOptions {
  /** The database file to scan; null for a log that was empty when opened (`:memory:`). */
  readonly path: string | null;
  /** Keys the filter is sized for at least. Default 2^20 (1.25 MiB of bits). */
  readonly minCapacity?: number;
  /** Keys remembered while a scan runs; past it the scan is abandoned. Default 2^20. */
  readonly pendingLimit?: number;
  /** No index at all: `mightContain` is always true. */
  readonly disabled?: boolean;
}

/** Counters for stats and tests. */
export interface CommandIdIndexStats {
  /** A filter is in use (absent keys answer without a query). */
  readonly ready: boolean;
  /** Scans finished and scans that failed or were abandoned. */
  readonly scans: number;
  readonly scanFailures: number;
  /** Keys the current filter is sized for, and keys it holds (approximately). */
  readonly capacity: number;
  readonly count: number;
}

/**
 * Which command keys (`<partition>\n<command_id>`) may be stored, so that a new command id (the
 * usual case) is known absent without a query on the event loop. A Bloom filter: "absent" is
 * exact, "maybe" is answered by the database as before.
 *
 * Filled from two sides: a worker thread scans the stored keys once at open (and again, twice
 * the size, whenever the keys added pass the filter's capacity), and every key appended since
 * is added here. Keys added while a scan runs, and the keys still uncommitted when it was asked
 * for (`uncommitted()`), are kept aside and added to the scan's filter when it arrives, so a key
 * committed before the scan's snapshot is in the scan and every other one was added here. Until
 * the first scan arrives (or if it fails) `mightContain` answers true: the database decides.
 */
export class CommandIdIndex {
  private filter: CommandIdFilter | null = null;
  private capacity = 0;
  private count = 0;
  private pending: Set<string> | null = null;
  private worker: Worker | null = null;
  private exited: Promise<void> | null = null;
  private closed = false;
  private scans = 0;
  private scanFailures = 0;
  private readonly minCapacity: number;
  private readonly pendingLimit: number;

  constructor(
    private readonly options: CommandIdIndexOptions,
    /** Keys appended but not yet committed (the spine's pending commands). */
    private readonly uncommitted: () => Iterable<string>,
  ) {
    this.minCapacity = Math.max(1, Math.floor(options.minCapacity ?? 1 << 20));
    this.pendingLimit = Math.max(1, Math.floor(options.pendingLimit ?? 1 << 20));
    if (options.disabled) {
      this.closed = true;
    } else if (options.path === null) {
      this.filter = CommandIdFilter.empty(this.minCapacity);
      this.capacity = this.minCapacity;
    } else {
      this.startScan();
    }
  }

  get stats(): CommandIdIndexStats {
    return {
      ready: this.filter !== null,
      scans: this.scans,
      scanFailures: this.scanFailures,
      capacity: this.capacity,
      count: this.count,
    };
  }

  /** False: `key` is certainly not stored. True: it may be (ask the database). */
  mightContain(key: string): boolean {
    return this.filter === null || this.filter.mightContain(key);
  }

  /** Records a key being appended (call before it can be committed). */
  add(key: string): void {
    if (this.options.disabled) return;
    this.count++;
    this.filter?.add(key);
    if (this.pending !== null) {
      this.pending.add(key);
      if (this.pending.size > this.pendingLimit) this.abandonScan();
      return;
    }
    if (this.filter !== null && this.count > this.capacity && !this.closed && this.options.path !== null) {
      this.startScan();
    }
  }

  /** Stops a running scan (it ends between slices); resolves once its thread exited. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    const exited = this.exited;
    this.worker = null;
    this.pending = null;
    if (worker === null || exited === null) return;
    worker.postMessage('stop');
    const timeout = setTimeout(() => void worker.terminate(), 5000);
    await exited;
    clearTimeout(timeout);
  }

  private startScan(): void {
    this.pending = new Set(this.uncommitted());
    const { worker, exited } = startLibsqlWorker(WORKER_SOURCE, {
      path: this.options.path,
      minCapacity: Math.max(this.minCapacity, 2 * this.count),
    });
    this.worker = worker;
    this.exited = exited;
    worker.unref();
    worker.once('message', (message: { words?: Uint32Array; scanned?: number; capacity?: number; error?: string }) => {
      if (this.worker !== worker) return;
      this.worker = null;
      const pending = this.pending;
      this.pending = null;
      if (message.words === undefined || pending === null) {
        this.scanFailed();
        return;
      }
      const filter = new CommandIdFilter(message.words);
      for (const key of pending) filter.add(key);
      this.filter = filter;
      this.capacity = message.capacity ?? this.minCapacity;
      this.count = (message.scanned ?? 0) + pending.size;
      this.scans++;
    });
    worker.once('error', () => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.pending = null;
      this.scanFailed();
    });
  }

  private abandonScan(): void {
    this.worker?.postMessage('stop');
    this.worker = null;
    this.pending = null;
    this.scanFailed();
  }

  /** A failed rebuild keeps the old filter (still exact about absence) and waits for twice as many keys. */
  private scanFailed(): void {
    this.scanFailures++;
    if (this.filter !== null) this.capacity = Math.max(this.capacity, 2 * this.count);
  }
}
