import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './harness/GatewayProcess.ts';
import { type ChildRun, runChild } from './harness/runChild.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'easel-datadir-'));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** As root every directory is writable: run the CLI as `nobody` through setpriv to see a refusal. */
const asRoot = process.getuid?.() === 0;
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
const canBeUnprivileged = !asRoot || setpriv !== undefined;

function serve(dataDir: string, unprivileged = false) {
  const node = [process.execPath, '--import', 'tsx', 'gateway/src/cli.ts', 'serve', '--port', '0', '--data', dataDir];
  const [cmd, ...args] =
    unprivileged && asRoot ? [setpriv!, '--reuid=65534', '--regid=65534', '--clear-groups', ...node] : node;
  return spawnSync(cmd!, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, EASEL_JWT_SECRET: 'datadir-secret', HOME: os.tmpdir() },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** Runs the CLI to its exit (bounded) without blocking the event loop (a test server must answer). */
function cliAsync(args: string[]): Promise<ChildRun> {
  return runChild(process.execPath, ['--import', 'tsx', 'gateway/src/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, EASEL_JWT_SECRET: 'startup-secret', EASEL_LOG_LEVEL: 'warn' },
    timeoutMs: 60_000,
  });
}

describe('easel dev / serve on a port in use', () => {
  it('[CONTRACT 12] exits 1 naming the command, the address and what to do', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const res = await cliAsync(['dev', '--no-app', '--port', String(port), '--data', path.join(root, 'busy')]);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(`easel dev: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`);
      expect(res.stderr).toContain('pass another --port');
      expect(res.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});

describe('easel serve --data that cannot be used', () => {
  it('[CONTRACT 12] a malformed EASEL_HTTP_* setting stops serve at start: exit 2, one line naming it', () => {
    const res = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'gateway/src/cli.ts', 'serve', '--port', '0', '--data', path.join(root, 'http-setting')],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, EASEL_JWT_SECRET: 'datadir-secret', EASEL_HTTP_REQUEST_TIMEOUT_MS: '2min' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(res.status).toBe(2);
    expect(res.stderr).toContain(
      'easel serve: EASEL_HTTP_REQUEST_TIMEOUT_MS must be a positive integer of milliseconds (e.g. 120000), not "2min"',
    );
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(res.stdout).not.toMatch(/listening on/);
  });

  it('[CONTRACT 12] a --data that is a file is refused: exit 1, one line saying it is not a directory', () => {
    const file = path.join(root, 'a-file');
    writeFileSync(file, 'x');
    const res = serve(file);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`easel serve: --data ${file} is a file, not a directory`);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(res.stdout).not.toMatch(/listening on/);
  });

  it.skipIf(!canBeUnprivileged)(
    '[CONTRACT 12] a data directory this user cannot write is refused: exit 1, saying so (not an SQLite code)',
    () => {
      const dir = path.join(root, 'read-only');
      mkdirSync(dir);
      chmodSync(dir, 0o555);
      const res = serve(dir, true);
      expect(res.status).toBe(1);
      expect(res.stderr).toContain(`easel serve: the data directory ${dir} is not writable by this user (EACCES`);
      expect(res.stderr).not.toMatch(/ConnectionFailed|\n\s+at /);
      expect(res.stdout).not.toMatch(/listening on/);
    },
  );

  it.skipIf(!canBeUnprivileged)('[CONTRACT 12] a data directory that cannot be created is refused, naming why', () => {
    const parent = path.join(root, 'locked-parent');
    mkdirSync(parent);
    chmodSync(parent, 0o555);
    const dir = path.join(parent, 'data');
    const res = serve(dir, true);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`easel serve: cannot create the data directory ${dir} (EACCES: permission denied)`);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});
