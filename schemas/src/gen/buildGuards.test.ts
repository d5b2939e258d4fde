import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildGuardArtifacts } from './buildGuards.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('schemas/src/guards/generated', () => {
  // Builds every guard twice (over a second on an idle machine): room for a loaded one.
  it('is deterministic and is what is committed', { timeout: 60_000 }, () => {
    const files = buildGuardArtifacts();
    expect([...files.keys()].sort()).toEqual(['answers.ts', 'guards.ts', 'zod.ts']);
    expect(buildGuardArtifacts()).toEqual(files);
    for (const [name, text] of files) {
      expect(readFileSync(path.join(root, 'schemas/src/guards/generated', name), 'utf8'), name).toBe(text);
    }
  });

  it('schemas:check exits 1 naming a guard file that is out of date, and schemas:gen fixes it', () => {
    const json = mkdtempSync(path.join(tmpdir(), 'easel-guards-json-'));
    const guards = mkdtempSync(path.join(tmpdir(), 'easel-guards-'));
    const run = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', 'schemas/scripts/generate.ts', '--out', json, '--guards-out', guards, ...args],
        { cwd: root, encoding: 'utf8', timeout: 60_000 },
      );
    try {
      expect(run().status).toBe(0);
      writeFileSync(path.join(guards, 'guards.ts'), '// edited by hand\n');
      const failed = run('--check');
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain('schemas/src/guards/generated is not up to date');
      expect(failed.stderr).toContain('out of date: guards.ts');
      expect(run().status).toBe(0);
      expect(readFileSync(path.join(guards, 'guards.ts'), 'utf8')).toBe(buildGuardArtifacts().get('guards.ts'));
    } finally {
      rmSync(json, { recursive: true, force: true });
      rmSync(guards, { recursive: true, force: true });
    }
  }, 120_000);
});
