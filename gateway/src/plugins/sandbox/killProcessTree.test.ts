import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPluginHost, type SandboxPluginHost } from '../openPluginHost.ts';
import { alive, waitFor } from '../testing/pluginTestKit.ts';
import { descendantPids, killProcessTree } from './killProcessTree.ts';

// A plugin that starts a process of its own, hangs (its call times out), and signals its process
// group. SIGWINCH is ignored by default: were the guard to fail, nothing would die.
const ENTRY = `
import { spawn } from 'node:child_process';
export const tools = {
  spawn_sleeper: async () => ({ pid: spawn('sleep', ['30'], { stdio: 'ignore' }).pid }),
  signal_group: async () => {
    try {
      process.kill(0, 'SIGWINCH');
      return { sent: true };
    } catch (err) {
      return { refused: err.code };
    }
  },
  hang: async () => new Promise(() => {}),
};
`;
const tool = (timeout_ms: number) => ({
  description: 'a process tree tool',
  timeout_ms,
  memory_mb: 64,
  idempotent: true,
  input: { type: 'object' },
  output: { type: 'object' },
});

/** Starts `sh` with two background sleeps (one of them a grandchild) and waits until all are there. */
async function startTree(): Promise<{ root: number; descendants: number[] }> {
  const child = spawn('sh', ['-c', 'sleep 30 & (sleep 30 & wait) & wait'], { stdio: 'ignore' });
  child.on('error', () => {});
  const root = child.pid ?? 0;
  let descendants: number[] = [];
  await waitFor(() => {
    descendants = descendantPids(root);
    return descendants.length >= 3;
  }, 3000);
  return { root, descendants };
}

describe('[CONTRACT 9] killing a plugin process and what it started', () => {
  it.runIf(process.platform === 'linux')(
    '[CONTRACT 9] descendantPids finds children and grandchildren; killProcessTree kills them all',
    async () => {
      const { root, descendants } = await startTree();
      // sleep, the subshell, and the subshell's sleep
      expect(descendants.length).toBeGreaterThanOrEqual(3);
      expect(descendants).not.toContain(root);
      for (const pid of [root, ...descendants]) expect(alive(pid)).toBe(true);
      expect(killProcessTree(root)).toBe(1 + descendants.length);
      for (const pid of [root, ...descendants]) {
        expect(await waitFor(() => !alive(pid), 2000)).toBe(true);
      }
    },
  );

  it('[CONTRACT 9] a pid without children has no descendants; a gone pid is no error', () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    child.on('error', () => {});
    const pid = child.pid ?? 0;
    expect(descendantPids(pid)).toEqual([]);
    expect(killProcessTree(pid)).toBe(1);
    expect(descendantPids(2 ** 22 + 17)).toEqual([]);
    expect(killProcessTree(2 ** 22 + 17)).toBe(0);
  });

  it.runIf(process.platform === 'linux')('[CONTRACT 9] the number of descendants collected is bounded', async () => {
    const { root } = await startTree();
    expect(descendantPids(root, 1)).toHaveLength(1);
    killProcessTree(root);
  });
});

let dir = '';
const hosts: SandboxPluginHost[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'easel-process-tree-'));
  const manifest = {
    name: 'process-tree',
    version: '1.0.0',
    description: 'Starts processes of its own and signals its process group.',
    entry: 'index.mjs',
    device: 'cpu',
    tools: { spawn_sleeper: tool(5000), signal_group: tool(5000), hang: tool(400) },
  };
  writeFileSync(path.join(dir, 'plugin.json'), JSON.stringify(manifest));
  writeFileSync(path.join(dir, 'index.mjs'), ENTRY);
});

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(ownSession: boolean): Promise<SandboxPluginHost> {
  const host = await openPluginHost({
    folders: [{ dir, origin: 'external' }],
    gpu: { present: false, detail: 'test' },
    ownSession,
    limits: { backoff: { baseMs: 20, maxMs: 40 } },
  });
  hosts.push(host);
  return host;
}

describe.runIf(process.platform === 'linux')(
  '[CONTRACT 9] the plugin process and the processes it started',
  {
    timeout: 20_000,
  },
  () => {
    for (const ownSession of [false, true]) {
      const mode = ownSession ? 'own session' : 'shared session';
      it(`[CONTRACT 9] ${mode}: a timeout kills the plugin process and the process it started`, async () => {
        const host = await open(ownSession);
        const started = await host.invoke('process-tree', 'spawn_sleeper', {});
        expect(started.ok).toBe(true);
        if (!started.ok) return;
        const sleeper = (started.value as { pid: number }).pid;
        expect(alive(sleeper)).toBe(true);
        const result = await host.invoke('process-tree', 'hang', {});
        expect(result).toMatchObject({ ok: false, error: { kind: 'timeout' } });
        expect(await waitFor(() => !alive(sleeper), 3000)).toBe(true);
        expect(await host.invoke('process-tree', 'signal_group', {})).toMatchObject({ ok: true });
      });
    }

    it("[CONTRACT 9] shared session: process.kill(0) (the gateway's group) is refused; own session: it reaches only the plugin's group", async () => {
      let winches = 0;
      const onWinch = () => {
        winches++;
      };
      process.on('SIGWINCH', onWinch);
      try {
        const shared = await open(false);
        expect(await shared.invoke('process-tree', 'signal_group', {})).toMatchObject({
          ok: true,
          value: { refused: 'EPERM' },
        });
        const own = await open(true);
        expect(await own.invoke('process-tree', 'signal_group', {})).toMatchObject({ ok: true, value: { sent: true } });
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(winches).toBe(0);
      } finally {
        process.off('SIGWINCH', onWinch);
      }
    });
  },
);
