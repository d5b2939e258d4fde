import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { devHostDir, ensureHostBuilt, hostBuildState } from './ensureHostBuilt.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake repository: `host/` with sources, optionally a build, and a `sdk/harness/src` file. */
function fakeRepo(options: { built: boolean }): { root: string; hostDir: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'easel-hostbuild-'));
  dirs.push(root);
  const hostDir = path.join(root, 'host');
  mkdirSync(path.join(hostDir, 'src'), { recursive: true });
  mkdirSync(path.join(root, 'sdk', 'harness', 'src'), { recursive: true });
  writeFileSync(path.join(hostDir, 'vite.config.ts'), 'export default {};');
  writeFileSync(path.join(hostDir, 'index.html'), '<div id="root"></div>');
  writeFileSync(path.join(hostDir, 'src', 'main.tsx'), 'export {};');
  writeFileSync(path.join(root, 'sdk', 'harness', 'src', 'index.ts'), 'export {};');
  const past = new Date(Date.now() - 60_000);
  for (const f of ['vite.config.ts', 'index.html', 'src/main.tsx']) utimesSync(path.join(hostDir, f), past, past);
  utimesSync(path.join(root, 'sdk/harness/src/index.ts'), past, past);
  if (options.built) {
    mkdirSync(path.join(hostDir, 'dist'), { recursive: true });
    writeFileSync(path.join(hostDir, 'dist', 'index.html'), '<html></html>');
    writeFileSync(path.join(hostDir, 'dist', 'easel-dev.json'), '{"version":1,"projects":[]}');
  }
  return { root, hostDir };
}

describe('the host build easel dev serves', () => {
  it('[CONTRACT 12] missing dist is stale; a build newer than every source is fresh', () => {
    expect(hostBuildState(fakeRepo({ built: false }).hostDir)).toEqual({
      fresh: false,
      reason: 'host/dist is missing',
    });
    expect(hostBuildState(fakeRepo({ built: true }).hostDir).fresh).toBe(true);
    const { hostDir } = fakeRepo({ built: true });
    rmSync(path.join(hostDir, 'dist', 'easel-dev.json'));
    expect(hostBuildState(hostDir)).toEqual({ fresh: false, reason: 'host/dist/easel-dev.json is missing' });
  });

  it('[CONTRACT 12] a newer host or sdk source makes it stale, naming the file; tests and stories do not', () => {
    const { root, hostDir } = fakeRepo({ built: true });
    const future = new Date(Date.now() + 60_000);
    writeFileSync(path.join(root, 'sdk/harness/src/x.test.ts'), '');
    writeFileSync(path.join(hostDir, 'src/App.stories.tsx'), '');
    utimesSync(path.join(root, 'sdk/harness/src/x.test.ts'), future, future);
    utimesSync(path.join(hostDir, 'src/App.stories.tsx'), future, future);
    expect(hostBuildState(hostDir).fresh).toBe(true);
    utimesSync(path.join(root, 'sdk/harness/src/index.ts'), future, future);
    expect(hostBuildState(hostDir)).toEqual({
      fresh: false,
      reason: `${path.join('sdk', 'harness', 'src', 'index.ts')} is newer than host/dist`,
    });
  });

  it('[CONTRACT 12] a fresh build is served without building; no host app is a coded value', async () => {
    const { hostDir } = fakeRepo({ built: true });
    const lines: string[] = [];
    const fresh = await ensureHostBuilt({ hostDir, log: (l) => lines.push(l) });
    expect(fresh).toEqual({ ok: true, value: { distDir: path.join(hostDir, 'dist'), built: false, ms: 0 } });
    expect(lines).toEqual([]);
    const none = await ensureHostBuilt({ hostDir: path.join(hostDir, 'nope') });
    expect(none.ok).toBe(false);
  });

  it('[CONTRACT 12] a failed build serves the previous one, else nothing', async () => {
    // The fake host has no src/build/buildHost.ts, so building fails.
    const stale = fakeRepo({ built: true });
    const future = new Date(Date.now() + 60_000);
    utimesSync(path.join(stale.hostDir, 'src/main.tsx'), future, future);
    const lines: string[] = [];
    expect(await devHostDir((l) => lines.push(l), stale.hostDir)).toBe(path.join(stale.hostDir, 'dist'));
    expect(lines.some((l) => l.includes('building the host app failed'))).toBe(true);
    expect(lines.at(-1)).toBe('host: serving the previous build of host/dist');
    const none = fakeRepo({ built: false });
    expect(await devHostDir(() => {}, none.hostDir)).toBeNull();
  });
});
