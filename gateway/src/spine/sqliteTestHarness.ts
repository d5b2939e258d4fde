import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import type { SpineHarness } from '../core/spine/spineContract.ts';
import { openSqliteSpine, type SqliteSpineOptions } from './openSqliteSpine.ts';
import type { SqliteSpine } from './SqliteSpine.ts';

/** Opens a spine or fails the test with the open error. */
export function mustOpen(options: SqliteSpineOptions): SqliteSpine {
  const opened = openSqliteSpine(options);
  if (!opened.ok) throw opened.error;
  return opened.value;
}

/** A fresh temp directory under os.tmpdir(); returns its path and a remover. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'easel-spine-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * For a `describe` block: `file()` gives a fresh `spine.db` path in its own temp directory; every
 * directory handed out is removed after each test (call `removeAll` from `afterEach`).
 */
export function tempSpineFiles(): { file: () => string; removeAll: () => void } {
  const removers: Array<() => void> = [];
  return {
    file: () => {
      const { dir, remove } = tempDir();
      removers.push(remove);
      return join(dir, 'spine.db');
    },
    removeAll: () => {
      for (const remove of removers.splice(0)) remove();
    },
  };
}

/**
 * A contract-suite harness on a real SQLite file in a temp directory. `breakWrites` has a second
 * connection take the write lock (`BEGIN IMMEDIATE`), so the spine's next transaction fails with
 * SQLITE_BUSY after its (short) busy timeout: a real engine failure.
 */
export async function makeSqliteHarness(options: Partial<SqliteSpineOptions> = {}): Promise<SpineHarness> {
  const { dir, remove } = tempDir();
  const path = join(dir, 'spine.db');
  const base: SqliteSpineOptions = { path, busyTimeoutMs: 30, ...options };
  const opened: SqliteSpine[] = [mustOpen(base)];
  const first = opened[0] as SqliteSpine;
  return {
    spine: first,
    reopen: async () => {
      const again = mustOpen(base);
      opened.push(again);
      return again;
    },
    cleanup: async () => {
      for (const spine of opened) await spine.close();
      remove();
    },
    breakWrites: async () => {
      const blocker = new Database(path);
      blocker.exec('BEGIN IMMEDIATE');
      return async () => {
        blocker.exec('ROLLBACK');
        blocker.close();
      };
    },
    commits: () => first.stats.commits,
  };
}
