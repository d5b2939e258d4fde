import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DATA_LOCK_PID_FILE } from './DataDirLock.ts';

describe('acquireDataDirLock', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('[CONTRACT 12] a held lock refuses a second holder with the pid, and is free again once released', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'easel-lock-'));
    dirs.push(dir);
    const first = acquireDataDirLock(dir, { waitMs: 0 });
    expect(first.ok).toBe(true);
    expect(readFileSync(path.join(dir, DATA_LOCK_PID_FILE), 'utf8').trim()).toBe(String(process.pid));
    const second = acquireDataDirLock(dir, { waitMs: 0 });
    expect(second).toEqual({
      ok: false,
      message: `another Easel gateway (pid ${process.pid}) is serving ${dir}; stop it or use another --data`,
    });
    if (first.ok) first.value.release();
    const third = acquireDataDirLock(dir, { waitMs: 0 });
    expect(third.ok).toBe(true);
    if (third.ok) third.value.release();
  });

  it('[CONTRACT 12] keeps trying for waitMs before refusing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'easel-lock-'));
    dirs.push(dir);
    const first = acquireDataDirLock(dir, { waitMs: 0 });
    expect(first.ok).toBe(true);
    const started = Date.now();
    const refused = acquireDataDirLock(dir, { waitMs: 200 });
    expect(refused.ok).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    if (first.ok) first.value.release();
  });

  it('[CONTRACT 12] a directory that cannot hold the lock file is a value, not a throw', () => {
    const result = acquireDataDirLock('/proc/easel-no-such-dir', { waitMs: 0 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^cannot lock the data directory \/proc\/easel-no-such-dir: /);
  });
});
