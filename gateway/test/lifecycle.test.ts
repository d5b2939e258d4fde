import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../src/auth/createVerifier.ts';
import { TestWorld } from './harness/api.ts';
import { GatewayProcess, REPO_ROOT } from './harness/GatewayProcess.ts';
import { SseClient } from './harness/SseClient.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'easel-life-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const merged: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  return spawnSync(process.execPath, ['--import', 'tsx', 'gateway/src/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: merged as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('the easel CLI', () => {
  it('[CONTRACT 12] serve refuses to start without EASEL_JWT_SECRET unless --dev', () => {
    const res = cli(['serve', '--port', '0', '--data', tempDir()], { EASEL_JWT_SECRET: undefined });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/EASEL_JWT_SECRET/);
  });

  it('[CONTRACT 12] token prints a JWT signed with EASEL_JWT_SECRET carrying the given claims', async () => {
    const res = cli(
      ['token', '--tenant', 'acme', '--sub', 'bot-1', '--roles', 'planner,viewer', '--kind', 'agent', '--ttl', '60'],
      {
        EASEL_JWT_SECRET: 'cli-secret-0123456789abcdef',
      },
    );
    expect(res.status).toBe(0);
    const verified = await createVerifier({ secret: 'cli-secret-0123456789abcdef' }).verify(res.stdout.trim());
    expect(verified).toEqual({
      ok: true,
      value: { actorId: 'bot-1', tenantId: 'acme', kind: 'agent', roles: ['planner', 'viewer'] },
    });
    const bad = cli(['token', '--tenant', 'Not A Slug', '--sub', 'x', '--roles', 'a'], { EASEL_JWT_SECRET: 'x' });
    expect(bad.status).not.toBe(0);
  });

  it('[CONTRACT 12] token refuses a role name the gateway would refuse, and notes an empty role list', async () => {
    const env = { EASEL_JWT_SECRET: 'cli-secret-0123456789abcdef' };
    const semicolon = cli(['token', '--tenant', 'acme', '--sub', 'x', '--roles', 'admin;editor'], env);
    expect(semicolon.status).not.toBe(0);
    expect(semicolon.stdout).toBe('');
    expect(semicolon.stderr).toContain("'admin;editor' is not a role name");
    expect(semicolon.stderr).toContain('separate roles with commas');
    const spaced = cli(['token', '--tenant', 'acme', '--sub', 'x', '--roles', 'plan ner'], env);
    expect(spaced.status).not.toBe(0);
    const noSub = cli(['token', '--tenant', 'acme', '--sub', '', '--roles', 'viewer'], env);
    expect(noSub.status).toBe(2);
    expect(noSub.stderr).toContain('--sub must be 1 to 256 characters');

    const empty = cli(['token', '--tenant', 'acme', '--sub', 'x', '--roles', ''], env);
    expect(empty.status).toBe(0);
    expect(empty.stderr).toContain("no roles; the token gets the lens policy's default_role");
    const verified = await createVerifier({ secret: env.EASEL_JWT_SECRET }).verify(empty.stdout.trim());
    expect(verified).toEqual({ ok: true, value: { actorId: 'x', tenantId: 'acme', kind: 'human', roles: [] } });
    const repeated = cli(['token', '--tenant', 'acme', '--sub', 'x', '--roles', 'viewer, viewer,'], env);
    expect(await createVerifier({ secret: env.EASEL_JWT_SECRET }).verify(repeated.stdout.trim())).toMatchObject({
      ok: true,
      value: { roles: ['viewer'] },
    });
  });

  it('[CONTRACT 2] --dev persists a generated secret under --data; token reads it; a restart keeps it', async () => {
    const data = tempDir();
    const gateway = await GatewayProcess.start({ dataDir: data, args: ['--dev'], env: { EASEL_JWT_SECRET: '' } });
    try {
      const file = path.join(data, 'dev-secret');
      const secret = readFileSync(file, 'utf8').trim();
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(file).mode & 0o077).toBe(0);
      expect(gateway.output).toContain(secret);
      const res = cli(['token', '--tenant', 'demo', '--sub', 'dana', '--roles', 'admin', '--data', data], {
        EASEL_JWT_SECRET: undefined,
      });
      expect(res.status).toBe(0);
      const world = new TestWorld(gateway.url, 'demo');
      await world.registerType(res.stdout.trim(), 'devproj');
      await gateway.restart();
      expect(readFileSync(file, 'utf8').trim()).toBe(secret);
      await new TestWorld(gateway.url, 'demo').registerType(res.stdout.trim(), 'devproj2');
    } finally {
      await gateway.dispose();
    }
  });

  it('[CONTRACT 12] SIGTERM closes open streams with stream_closed (shutdown) and exits 0 within a few seconds', async () => {
    const gateway = await GatewayProcess.start();
    try {
      const admin = await gateway.token({ tenant: 'acme' });
      const world = new TestWorld(gateway.url, 'acme');
      const scope = await world.newCanvas(admin, 'shutdown', 'c1');
      const s = new SseClient(world.streamUrl(scope), { token: admin });
      await s.waitFor((f) => f.event === 'CANVAS_READY');
      const stopped = await gateway.stop('SIGTERM', 8000);
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(5000);
      await s.waitForEnd(2000);
      expect(s.frames.at(-1)?.event).toBe('stream_closed');
      expect(s.frames.at(-1)?.json.payload.reason).toBe('shutdown');
    } finally {
      await gateway.dispose();
    }
  });
});
