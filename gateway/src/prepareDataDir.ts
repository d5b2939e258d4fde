import { accessSync, constants, mkdirSync, statSync } from 'node:fs';

/** What {@link prepareDataDir} found: the directory is ready, or a message that says what to fix. */
export type PrepareDataDirResult = { ok: true } | { ok: false; message: string };

/** `EACCES: permission denied, mkdir '/x'` → `EACCES: permission denied` (the path is named already). */
function reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split(', ')[0] ?? text;
}

/**
 * Makes `dir` usable as a gateway's `--data`: creates it when missing, refuses a path that is a
 * file, and refuses a directory this user cannot write (the SQLite spine, its lock and the dev
 * secret all live there; without this check SQLite reports an opaque `ConnectionFailed … 14`).
 */
export function prepareDataDir(dir: string): PrepareDataDirResult {
  try {
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (stat && !stat.isDirectory()) {
      return {
        ok: false,
        message: `--data ${dir} is a file, not a directory: pass a directory (created when missing)`,
      };
    }
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    return {
      ok: false,
      message: `cannot create the data directory ${dir} (${reason(err)}): create it first or pass another --data`,
    };
  }
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    return {
      ok: false,
      message: `the data directory ${dir} is not writable by this user (${reason(err)}): fix its permissions or pass another --data`,
    };
  }
  return { ok: true };
}
