import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Runs just before each real `fdatasync` of the WAL and may hold it back (a test seam: a test
 * holds a sync to observe the spine while committed batches are not yet durable).
 */
export type BeforeWalSync = () => Promise<void>;

/** What a committed batch is told once a sync covering it has completed (or failed). */
interface Waiter {
  readonly durable: () => void;
  readonly failed: (error: Error) => void;
}

export type WalSyncOpen = { ok: true; value: WalSync } | { ok: false; error: string };

/**
 * Durability for the pipelined writer (see README.md, "Pipelined sync"). Batches commit with
 * `synchronous = NORMAL` (their WAL frames are written, not fsynced); each registers here, and
 * is told durable once an `fdatasync` of the `-wal` file that **started after its COMMIT** has
 * completed. The sync runs on the libuv threadpool (`fs.fdatasync`), so the event loop keeps
 * committing the next batch meanwhile: batches registered while a sync runs wait for the next
 * one, which starts the moment the running one completes. One sync at a time, in order.
 *
 * The fd is opened once on the WAL of an open WAL-mode connection: SQLite keeps that file (same
 * inode) while any connection is open, rewriting it from the start after a complete checkpoint
 * and truncating it to `journal_size_limit`; both happen only once every frame it held is in the
 * database file and synced by that checkpoint (a checkpoint with `synchronous ≥ NORMAL` syncs the
 * WAL before copying and the database file after), so an overwritten frame is already durable.
 */
export class WalSync {
  /** Registered since the running sync started: covered by the next one. */
  private waiting: Waiter[] = [];
  /** Covered by the running sync (registered before it started). */
  private inFlight: Waiter[] = [];
  private running = false;
  private fd: number | null;
  private failure: Error | null = null;
  private syncs = 0;

  private constructor(
    fd: number,
    private readonly beforeSync: BeforeWalSync | undefined,
  ) {
    this.fd = fd;
  }

  /**
   * Opens the `-wal` file of `dbPath` (it exists while a WAL-mode connection is open) and syncs its
   * directory once, so the WAL file's own entry is durable too.
   */
  static open(dbPath: string, beforeSync?: BeforeWalSync): WalSyncOpen {
    let fd: number;
    try {
      fd = openSync(`${dbPath}-wal`, 'r');
    } catch (cause) {
      return { ok: false, error: `cannot open the WAL file of ${dbPath}: ${String(cause)}` };
    }
    try {
      const dir = openSync(dirname(dbPath), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    } catch {
      // Some filesystems refuse fsync on a directory; SQLite itself does not sync it for a WAL.
    }
    return { ok: true, value: new WalSync(fd, beforeSync) };
  }

  /** Syncs completed so far. */
  get count(): number {
    return this.syncs;
  }

  /** The error of a failed sync: from then on nothing can be acknowledged durable. */
  get failed(): Error | null {
    return this.failure;
  }

  /** True while a committed batch awaits its sync. */
  get busy(): boolean {
    return this.running || this.waiting.length > 0;
  }

  /** Registers a batch whose COMMIT has just returned; starts a sync if none is running. */
  committed(durable: () => void, failed: (error: Error) => void): void {
    if (this.failure !== null) {
      failed(this.failure);
      return;
    }
    this.waiting.push({ durable, failed });
    if (!this.running) this.start();
  }

  /**
   * Resolves once every batch registered before the call is durable (at once when none waits);
   * rejects with the sync's error if that failed.
   */
  barrier(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (!this.busy) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      // Everything registered so far is in `waiting` (the next sync) or, when that is empty, in the running one.
      (this.waiting.length > 0 ? this.waiting : this.inFlight).push({ durable: resolve, failed: reject });
    });
  }

  /** Waits for the registered batches, then closes the fd. */
  async close(): Promise<void> {
    await this.barrier().catch(() => {});
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }

  private start(): void {
    this.inFlight = this.waiting;
    this.waiting = [];
    this.running = true;
    const run = () => {
      if (this.fd === null) {
        this.finish(new Error('the WAL sync was closed'));
        return;
      }
      fdatasync(this.fd, (error) => this.finish(error));
    };
    if (this.beforeSync === undefined) run();
    else
      this.beforeSync().then(run, (error: unknown) =>
        this.finish(error instanceof Error ? error : new Error(String(error))),
      );
  }

  private finish(error: Error | null): void {
    const covered = this.inFlight;
    this.inFlight = [];
    this.running = false;
    if (error !== null) {
      // An fsync that failed may have dropped dirty pages: nothing written so far can be promised.
      this.failure = new Error(`fdatasync of the WAL failed: ${error.message}`);
      const all = [...covered, ...this.waiting];
      this.waiting = [];
      for (const waiter of all) waiter.failed(this.failure);
      return;
    }
    this.syncs++;
    for (const waiter of covered) waiter.durable();
    if (this.waiting.length > 0) this.start();
  }
}
