import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { OPERATOR_VIEW } from '../inspector/RecentLog.ts';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPluginHost, type PluginStateChange, type SandboxPluginHost } from '../openPluginHost.ts';
import type { PluginHostLimits } from '../PluginHostLimits.ts';
import { descendantPids } from '../sandbox/killProcessTree.ts';
import { alive, waitFor } from '../testing/pluginTestKit.ts';

// Standby processes through the real host: real child processes of a plugin written to a temp folder.
// `init` fails while a file `fail-init` exists in the plugin folder (the cwd of its processes).
const ENTRY = `
import { existsSync } from 'node:fs';
export async function init() {
  if (existsSync('fail-init')) throw new Error('init refused: fail-init exists');
}
export const tools = {
  pid: async () => ({ pid: process.pid, started: performance.timeOrigin }),
  exit: async () => { process.exit(7); },
};
`;

const tool = {
  description: 'a standby test tool',
  timeout_ms: 5000,
  memory_mb: 64,
  idempotent: true,
  input: { type: 'object' },
  output: { type: 'object' },
};

function writePlugin(root: string, name: string): string {
  const folder = mkdtempSync(path.join(root, `${name}-`));
  const manifest = {
    name,
    version: '1.0.0',
    description: 'Standby test plugin.',
    entry: 'index.mjs',
    device: 'cpu',
    tools: { pid: tool, exit: tool },
  };
  writeFileSync(path.join(folder, 'plugin.json'), JSON.stringify(manifest));
  writeFileSync(path.join(folder, 'index.mjs'), ENTRY);
  return folder;
}

let root = '';
let dirA = '';
let dirB = '';
const hosts: SandboxPluginHost[] = [];

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'easel-standby-'));
  dirA = writePlugin(root, 'standby-a');
  dirB = writePlugin(root, 'standby-b');
});

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
  for (const dir of [dirA, dirB]) if (existsSync(path.join(dir, 'fail-init'))) unlinkSync(path.join(dir, 'fail-init'));
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A host where 3 calls make a plugin hot and its standby is spawned 10 ms later. */
async function open(
  dirs: string[],
  limits: PluginHostLimits = {},
  messages: string[] = [],
): Promise<SandboxPluginHost> {
  const host = await openPluginHost({
    folders: dirs.map((dir) => ({ dir, origin: 'external' as const })),
    gpu: { present: false, detail: 'test' },
    logger: { info: (_data, message) => messages.push(message), warn: (_data, message) => messages.push(message) },
    limits: {
      backoff: { baseMs: 20, maxMs: 40 },
      ...limits,
      standby: { hotCalls: 3, delayMs: 10, ...limits.standby },
    },
  });
  hosts.push(host);
  return host;
}

async function pidOf(host: SandboxPluginHost, name = 'standby-a'): Promise<number> {
  return (await servingProcess(host, name)).pid;
}

/** The process serving calls: its pid and when it started (epoch ms, its `performance.timeOrigin`). */
async function servingProcess(host: SandboxPluginHost, name = 'standby-a'): Promise<{ pid: number; started: number }> {
  const result = await host.invoke(name, 'pid', {});
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.value as { pid: number; started: number };
}

/** Live processes of this test run that run the plugin of `dir` (serving and standby). */
function pluginPids(dir: string): number[] {
  return descendantPids(process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path.join(dir, 'index.mjs'));
    } catch {
      return false;
    }
  });
}

/** Calls until the plugin is hot and its standby is ready; returns the serving pid. */
async function warm(host: SandboxPluginHost, name = 'standby-a'): Promise<number> {
  let pid = 0;
  for (let i = 0; i < 3; i++) pid = await pidOf(host, name);
  expect(await waitFor(() => host.standbyState(name) === 'ready', 5000)).toBe(true);
  return pid;
}

describe('[CONTRACT 9] standby processes: crash → ready without a process start', { timeout: 20_000 }, () => {
  it('[CONTRACT 9] a cold plugin has no standby; a hot one gets one, and a crash promotes it at once', async () => {
    const host = await open([dirA]);
    const changes: PluginStateChange[] = [];
    host.subscribe((change) => changes.push(change));
    expect(host.standbyState('standby-a')).toBe('none');
    const first = await pidOf(host);
    expect(host.standbyState('standby-a')).toBe('none');
    const serving = await warm(host);
    expect(serving).toBe(first);
    const crashedAt = Date.now();
    const crash = await host.invoke('standby-a', 'exit', {});
    expect(crash).toMatchObject({ ok: false, error: { kind: 'crashed' } });
    // The crash is booked when the exit is seen; the standby serves the next call with no start:
    // the process that serves it was started before the crash.
    expect(await waitFor(() => host.lastRecoveryMs('standby-a') !== null, 2000)).toBe(true);
    expect(host.health('standby-a')?.state).toBe('RUNNING');
    const promoted = await servingProcess(host);
    expect(promoted.started).toBeLessThan(crashedAt);
    const next = promoted.pid;
    expect(next).not.toBe(first);
    expect(alive(first)).toBe(false);
    expect(changes.at(-1)?.generation).toBe(2);
    expect(
      host.inspect('standby-a', OPERATOR_VIEW)?.recent_errors.some((e) => /^crashed: .*code 7/.test(e.message)),
    ).toBe(true);
    // A new standby follows after the restart backoff (recently crashed).
    expect(await waitFor(() => host.standbyState('standby-a') === 'ready', 5000)).toBe(true);
  });

  it('[CONTRACT 9] a second crash before any call succeeded gets the backoff restart, and the standby is stopped', async () => {
    const host = await open([dirA]);
    await warm(host);
    expect((await host.invoke('standby-a', 'exit', {})).ok).toBe(false);
    expect(await waitFor(() => host.lastRecoveryMs('standby-a') !== null, 2000)).toBe(true);
    // The promoted process crashes before a call succeeded: a crash loop, no spare process for it.
    expect(await waitFor(() => host.standbyState('standby-a') === 'ready', 5000)).toBe(true);
    const seen: string[] = [];
    host.subscribe((change) => seen.push(`${change.health.state} ${change.health.reason ?? ''}`));
    expect((await host.invoke('standby-a', 'exit', {})).ok).toBe(false);
    expect(await waitFor(() => seen.some((s) => /^FAILED crashed: .*; restarting in \d+\.\d s/.test(s)), 2000)).toBe(
      true,
    );
    expect(host.standbyState('standby-a')).toBe('none');
    expect(await host.invoke('standby-a', 'pid', {})).toMatchObject({ ok: true });
  });

  it('[CONTRACT 9] no standby while the breaker is open; the open breaker stops the standby', async () => {
    const host = await open([dirA], { breaker: { crashes: 2, cooldownMs: 60_000 } });
    await warm(host);
    expect((await host.invoke('standby-a', 'exit', {})).ok).toBe(false);
    expect(await waitFor(() => host.standbyState('standby-a') === 'ready', 5000)).toBe(true);
    expect((await host.invoke('standby-a', 'exit', {})).ok).toBe(false);
    expect(await waitFor(() => /^circuit open/.test(host.health('standby-a')?.reason ?? ''), 2000)).toBe(true);
    expect(host.health('standby-a')?.state).toBe('FAILED');
    expect(host.standbyState('standby-a')).toBe('none');
    expect(await host.invoke('standby-a', 'pid', {})).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(host.standbyState('standby-a')).toBe('none');
  });

  it('[CONTRACT 9] a plugin that crashes on every other call spawns no more processes than it crashes (+ start and standby)', async () => {
    const messages: string[] = [];
    const host = await open([dirA], { breaker: { crashes: 1000 } }, messages);
    await warm(host);
    const crashes = 6;
    for (let i = 0; i < crashes; i++) {
      expect((await host.invoke('standby-a', 'exit', {})).ok).toBe(false);
      expect((await host.invoke('standby-a', 'pid', {})).ok).toBe(true);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const spawned = messages.filter((m) => m === 'plugin process spawned');
    expect(spawned.length).toBeGreaterThanOrEqual(2);
    expect(spawned.length).toBeLessThanOrEqual(crashes + 2);
    expect(messages.filter((m) => m === 'plugin standby process promoted').length).toBeGreaterThan(0);
  });

  it.runIf(process.platform === 'linux')('[CONTRACT 9] idle stop and close stop the standby process too', async () => {
    const host = await open([dirA], { idleMs: 1500 });
    // Calls every 100 ms keep it busy until its standby is ready: two processes of the plugin.
    let ready = false;
    for (let i = 0; i < 100 && !ready; i++) {
      await pidOf(host);
      ready = host.standbyState('standby-a') === 'ready';
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(ready).toBe(true);
    const both = pluginPids(dirA);
    expect(both).toHaveLength(2);
    expect(await waitFor(() => host.health('standby-a')?.state === 'LOADED', 5000)).toBe(true);
    expect(host.standbyState('standby-a')).toBe('none');
    for (const pid of both) expect(await waitFor(() => !alive(pid), 3000)).toBe(true);
    // Started again and hot again: close stops both.
    for (let i = 0; i < 100 && host.standbyState('standby-a') !== 'ready'; i++) {
      await pidOf(host);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const again = pluginPids(dirA);
    expect(again.length).toBeGreaterThanOrEqual(1);
    await host.close();
    expect(host.standbyState('standby-a')).toBe('none');
    for (const pid of again) expect(await waitFor(() => !alive(pid), 3000)).toBe(true);
  });

  it('[CONTRACT 9] standbys of the whole host are bounded by maxProcesses', async () => {
    const host = await open([dirA, dirB], { standby: { maxProcesses: 1 } });
    await warm(host, 'standby-a');
    for (let i = 0; i < 3; i++) await pidOf(host, 'standby-b');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(host.standbyState('standby-b')).toBe('none');
    expect(host.standbyState('standby-a')).toBe('ready');
  });

  it('[CONTRACT 9] a standby that fails to start is reported and blocks standbys; the serving process is untouched', async () => {
    const host = await open([dirA], { standby: { windowMs: 60_000 } });
    const serving = await pidOf(host);
    writeFileSync(path.join(dirA, 'fail-init'), 'x');
    for (let i = 0; i < 3; i++) await pidOf(host);
    expect(
      await waitFor(
        () =>
          host
            .inspect('standby-a', OPERATOR_VIEW)
            ?.recent_errors.some((e) => e.message.startsWith('standby process: init: ')) === true,
        5000,
      ),
    ).toBe(true);
    expect(host.health('standby-a')).toMatchObject({ state: 'RUNNING' });
    expect(await pidOf(host)).toBe(serving);
    for (let i = 0; i < 5; i++) await pidOf(host);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(host.standbyState('standby-a')).toBe('none');
  });

  it('[CONTRACT 9] standby disabled: a crash goes through the backoff restart', async () => {
    const host = await open([dirA], { standby: { enabled: false } });
    for (let i = 0; i < 5; i++) await pidOf(host);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(host.standbyState('standby-a')).toBe('none');
    const seen: string[] = [];
    host.subscribe((change) => seen.push(change.health.state));
    expect((await host.invoke('standby-a', 'exit', {})).ok).toBe(false);
    expect(await host.invoke('standby-a', 'pid', {})).toMatchObject({ ok: true });
    expect(seen).toContain('FAILED');
  });
});
