import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayProcess, REPO_ROOT } from './harness/GatewayProcess.ts';

/** Runs `easel serve --port 0 --data <dir>` to its exit (bounded), collecting stderr. */
function serveOnce(dataDir: string, secret: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'gateway/src/cli.ts', 'serve', '--port', '0', '--data', dataDir],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, EASEL_JWT_SECRET: secret, EASEL_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      // A second gateway that got as far as listening is the bug: stop it, the assertions fail.
      if (/listening on/.test(stdout)) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  const res = await fetch(`${url}/healthz`);
  return res.status === 200;
}

describe('one gateway per data directory (embedded SQLite spine)', () => {
  let gateways: GatewayProcess[] = [];
  afterEach(async () => {
    for (const g of gateways) await g.dispose();
    gateways = [];
  });

  it('[CONTRACT 12] a second gateway on the same --data refuses to start, naming the pid and the directory', async () => {
    const first = await GatewayProcess.start();
    gateways.push(first);
    const second = await serveOnce(first.dataDir, first.secret);
    expect(second.stdout).not.toMatch(/listening on/);
    expect(second.code).not.toBe(0);
    expect(second.code).not.toBeNull();
    expect(second.stderr).toContain(
      `another Easel gateway (pid ${first.child!.pid}) is serving ${first.dataDir}; stop it or use another --data`,
    );
    // The first one is untouched.
    expect(await healthy(first.url)).toBe(true);
  }, 120_000);

  it('[CONTRACT 12] a gateway killed with SIGKILL leaves no lock: the restart on the same data starts at once', async () => {
    const gateway = await GatewayProcess.start();
    gateways.push(gateway);
    for (let round = 0; round < 2; round++) {
      await gateway.restart('SIGKILL');
      expect(await healthy(gateway.url)).toBe(true);
    }
    await gateway.restart('SIGTERM');
    expect(await healthy(gateway.url)).toBe(true);
    // And the restarted one holds the lock in turn.
    const other = await serveOnce(gateway.dataDir, gateway.secret);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain(`another Easel gateway (pid ${gateway.child!.pid}) is serving`);
  }, 180_000);
});
