import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'libsql';

/** The lock database in a data directory; its exclusive SQLite lock is held for the process's life. */
export const DATA_LOCK_FILE = 'easel.lock';
/** Beside it: the holder's pid, for the refusal message only (stale after a crash, never trusted). */
export const DATA_LOCK_PID_FILE = 'easel.lock.pid';

/** Options of {@link acquireDataDirLock}. */
export interface DataDirLockOptions {
  /**
   * How long to keep trying while another process holds the lock: a gateway killed with SIGKILL a
   * moment ago may still be exiting (its locks go with it). Default 2000 ms; 0 tries once.
   */
  readonly waitMs?: number;
}

/** A held data-directory lock. */
export interface DataDirLock {
  readonly dir: string;
  /** Releases the lock (also released by the process's exit, however it dies). Idempotent. */
  release(): void;
}

export type DataDirLockResult = { ok: true; value: DataDirLock } | { ok: false; message: string };

/** Locks held by this process, kept reachable so the connection is never collected (and unlocked). */
const held = new Set<Database.Database>();

/**
 * Makes the calling process the only Easel gateway serving `dir` (the embedded SQLite spine).
 *
 * The lock is an exclusive SQLite lock (`locking_mode = EXCLUSIVE` and an open `BEGIN EXCLUSIVE`)
 * on `<dir>/easel.lock`: it is an fcntl lock the kernel drops when the process dies, kill -9
 * included, so a crash never leaves a lock that blocks the restart. The holder's pid is written
 * to `<dir>/easel.lock.pid` for the message a second gateway prints.
 */
export function acquireDataDirLock(dir: string, options: DataDirLockOptions = {}): DataDirLockResult {
  const file = path.join(dir, DATA_LOCK_FILE);
  const pidFile = path.join(dir, DATA_LOCK_PID_FILE);
  const deadline = Date.now() + Math.max(0, options.waitMs ?? 2000);
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const tried = tryLock(file);
    if (tried.ok) {
      const db = tried.value;
      held.add(db);
      try {
        writeFileSync(pidFile, `${process.pid}\n`);
      } catch {
        // The pid only improves another gateway's message; the lock itself is held.
      }
      let released = false;
      return {
        ok: true,
        value: {
          dir,
          release() {
            if (released) return;
            released = true;
            held.delete(db);
            try {
              db.close();
            } catch {
              // Closing releases the lock; a failure here leaves it to the process's exit.
            }
          },
        },
      };
    }
    if (tried.error !== 'busy') return { ok: false, message: `cannot lock the data directory ${dir}: ${tried.error}` };
    if (Date.now() >= deadline) break;
    sleepSync(50);
  }
  const pid = readPid(pidFile);
  return {
    ok: false,
    message: `another Easel gateway (${pid === null ? 'pid unknown' : `pid ${pid}`}) is serving ${dir}; stop it or use another --data`,
  };
}

function tryLock(file: string): { ok: true; value: Database.Database } | { ok: false; error: string } {
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (cause) {
    return { ok: false, error: String(cause) };
  }
  try {
    db.exec('PRAGMA busy_timeout = 0');
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    // Nothing worth a journal file is ever written here.
    db.exec('PRAGMA journal_mode = MEMORY');
    // A write takes the exclusive lock, which locking_mode EXCLUSIVE then never gives back …
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
    // … and an open exclusive transaction holds it whatever the connection does next.
    db.exec('BEGIN EXCLUSIVE');
    return { ok: true, value: db };
  } catch (cause) {
    try {
      db.close();
    } catch {
      // Nothing held.
    }
    const text = String(cause);
    return { ok: false, error: /busy|locked/i.test(text) ? 'busy' : text };
  }
}

function readPid(file: string): number | null {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
