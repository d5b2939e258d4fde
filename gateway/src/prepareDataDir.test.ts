import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareDataDir } from './prepareDataDir.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'easel-prepare-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('prepareDataDir (easel serve --data)', () => {
  it('[CONTRACT 12] creates a missing directory, parents included', () => {
    const dir = path.join(root, 'a', 'b', 'data');
    expect(prepareDataDir(dir)).toEqual({ ok: true });
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(prepareDataDir(dir)).toEqual({ ok: true });
  });

  it('[CONTRACT 12] a path that is a file is refused with what to pass instead', () => {
    const file = path.join(root, 'file');
    writeFileSync(file, 'x');
    expect(prepareDataDir(file)).toEqual({
      ok: false,
      message: `--data ${file} is a file, not a directory: pass a directory (created when missing)`,
    });
  });

  it('[CONTRACT 12] a directory below a file cannot be created: the reason, without the errno stack', () => {
    const file = path.join(root, 'file2');
    writeFileSync(file, 'x');
    const result = prepareDataDir(path.join(file, 'data'));
    expect(result).toEqual({
      ok: false,
      message: `cannot create the data directory ${path.join(file, 'data')} (ENOTDIR: not a directory): create it first or pass another --data`,
    });
  });
});
