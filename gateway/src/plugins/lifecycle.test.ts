import { performance } from 'node:perf_hooks';
import { OPERATOR_VIEW } from './inspector/RecentLog.ts';
import type { JsonValue, PluginInvokeResult } from '@easel/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPluginFolder } from './loading/loadPluginFolder.ts';
import { openPluginHost, type PluginStateChange, type SandboxPluginHost } from './openPluginHost.ts';
import type { PluginHostLimits } from './PluginHostLimits.ts';
import { resolveLimits } from './PluginHostLimits.ts';
import { PluginSlot } from './registry/PluginSlot.ts';
import { runPluginSandboxed } from './runPluginSandboxed.ts';
import { alive, fixtureFolders, startProbe, waitFor } from './testing/pluginTestKit.ts';

const hosts: SandboxPluginHost[] = [];
const slots: PluginSlot[] = [];

async function open(names: string[], limits: PluginHostLimits = {}): Promise<SandboxPluginHost> {
  const host = await openPluginHost({
    folders: fixtureFolders(...names),
    limits: { backoff: { baseMs: 40, maxMs: 200 }, ...limits },
  });
  hosts.push(host);
  return host;
}

async function pidOf(host: SandboxPluginHost): Promise<number> {
  const result = await host.invoke('echo', 'pid', {});
  if (!result.ok) throw new Error(JSON.stringify(result));
  return (result.value as { pid: number }).pid;
}

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
  await Promise.all(slots.splice(0).map((slot) => slot.close(500)));
});

describe('[CONTRACT 9] sandbox lifecycle', { timeout: 15_000 }, () => {
  it('[CONTRACT 9] the first calls start one process (single-flight); close() stops it', async () => {
    const host = await open(['echo']);
    const changes: PluginStateChange[] = [];
    host.subscribe((change) => changes.push(change));
    expect(host.health('echo')?.state).toBe('LOADED');
    const pids = await Promise.all(Array.from({ length: 8 }, () => pidOf(host)));
    expect(new Set(pids).size).toBe(1);
    const pid = pids[0] ?? 0;
    expect(alive(pid)).toBe(true);
    expect(host.health('echo')).toMatchObject({ state: 'RUNNING', success_count: 8, error_count: 0 });
    expect(changes.map((c) => [c.health.state, c.generation])).toEqual([['RUNNING', 1]]);
    await host.close();
    expect(await waitFor(() => !alive(pid), 2000)).toBe(true);
    expect(await host.invoke('echo', 'pid', {})).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
    expect(host.ready()).toBe(false);
  });

  it('[CONTRACT 9] the environment is scrubbed: no secrets, HOME and cwd are the plugin folder, heap from memory_mb', async () => {
    process.env.EASEL_JWT_SECRET = 'top-secret-jwt';
    process.env.AWS_SECRET_ACCESS_KEY = 'top-secret-aws';
    try {
      const host = await open(['echo']);
      const result = await host.invoke('echo', 'env', {});
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const value = result.value as { env: Record<string, string>; cwd: string; heap_limit_mb: number };
      const dir = fixtureFolders('echo')[0]?.dir;
      expect(Object.keys(value.env).every((key) => ['PATH', 'NODE_ENV', 'TZ', 'LANG', 'HOME'].includes(key))).toBe(
        true,
      );
      expect(JSON.stringify(value)).not.toContain('top-secret');
      expect(value.env.HOME).toBe(dir);
      expect(value.cwd).toBe(dir);
      // memory_mb 64 → --max-old-space-size=64 (V8 adds its young generation on top).
      expect(value.heap_limit_mb).toBeGreaterThanOrEqual(64);
      expect(value.heap_limit_mb).toBeLessThan(128);
    } finally {
      delete process.env.EASEL_JWT_SECRET;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });

  it('[CONTRACT 9] input and output are checked against the tool schemas; unknown tools are not_found', async () => {
    const host = await open(['echo']);
    expect(await host.invoke('echo', 'add', { a: 1, b: -2 })).toMatchObject({
      ok: false,
      error: { kind: 'invalid_input', message: 'input.b: must be >= 0' },
    });
    expect(await host.invoke('echo', 'echo', { text: 'x', extra: 1 })).toMatchObject({
      error: { kind: 'invalid_input', message: "input: must NOT have additional properties ('extra')" },
    });
    expect(await host.invoke('echo', 'bad_output', {})).toMatchObject({
      error: { kind: 'invalid_output', message: 'output.count: must be integer' },
    });
    expect(await host.invoke('echo', 'bigint', {})).toMatchObject({ error: { kind: 'invalid_output' } });
    expect(await host.invoke('echo', 'ghost', {})).toMatchObject({
      error: { kind: 'threw', message: 'the entry does not export tools.ghost' },
    });
    expect(await host.invoke('echo', 'nope', {})).toMatchObject({ error: { kind: 'not_found' } });
    expect(await host.invoke('nobody', 'nope', {})).toMatchObject({ error: { kind: 'not_found' } });
    expect(await host.invoke('echo', 'add', { a: 2, b: 3 })).toMatchObject({ ok: true, value: { sum: 5 } });
    // invalid_input is the caller's fault: not counted against the plugin.
    expect(host.health('echo')).toMatchObject({ success_count: 1, error_count: 3 });
  });

  it('[CONTRACT 9] progress, warnings and partial results reach the observer in order', async () => {
    const host = await open(['slow-progress']);
    const events: string[] = [];
    const result = await host.invoke(
      'slow-progress',
      'work',
      {},
      {
        onProgress: (percent) => events.push(`progress ${percent}`),
        onWarning: (message) => events.push(`warn ${message}`),
        onPartial: (payload) => events.push(`partial ${JSON.stringify(payload)}`),
      },
    );
    expect(result).toMatchObject({ ok: true, value: { steps: 10 } });
    const expected: string[] = [];
    for (let step = 1; step <= 10; step++) {
      expected.push(`progress ${step * 10}`);
      if (step === 5) expected.push('warn halfway: frame 5 is blurry');
      if (step % 2 === 0) expected.push(`partial {"step":${step}}`);
    }
    expect(events).toEqual(expected);
    const warnings = host.inspect('slow-progress', OPERATOR_VIEW)?.recent_warnings ?? [];
    expect(warnings.map((w) => [w.tool, w.message])).toEqual([
      [undefined, 'slow-progress: init warning'],
      ['work', 'halfway: frame 5 is blurry'],
    ]);
    expect(Number.isNaN(Date.parse(warnings[0]?.at ?? ''))).toBe(false);
  });

  it('[CONTRACT 9] a timeout kills the process: other calls on it fail crashed, nothing reaches the observer after', async () => {
    const host = await open(['infinite-loop', 'slow-progress']);
    const ok = await host.invoke('infinite-loop', 'ok', {});
    expect(ok.ok).toBe(true);
    const [spin, other] = await Promise.all([
      host.invoke('infinite-loop', 'spin', {}),
      // Sent after spin: the child's event loop is blocked, so it can never answer.
      new Promise<PluginInvokeResult>((resolve) =>
        setTimeout(() => resolve(host.invoke('infinite-loop', 'ok', {})), 20),
      ),
    ]);
    expect(spin).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(spin.ms).toBeGreaterThanOrEqual(300);
    expect(other).toMatchObject({
      ok: false,
      error: {
        kind: 'crashed',
        message: 'the plugin process was killed because a call to spin timed out after 300 ms',
      },
    });
    // A caller's shorter timeout: progress keeps streaming in the child until the kill, never after settle.
    let settled = false;
    let late = 0;
    const short = await host.invoke(
      'slow-progress',
      'work',
      {},
      {
        timeoutMs: 100,
        onProgress: () => {
          if (settled) late++;
        },
      },
    );
    settled = true;
    expect(short).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(late).toBe(0);
    expect(await host.invoke('slow-progress', 'ok', {})).toMatchObject({ ok: true });
  });

  it('[CONTRACT 9] concurrent calls during a crash each settle once with an honest kind', async () => {
    const host = await open(['exit']);
    expect((await host.invoke('exit', 'ok', {})).ok).toBe(true);
    const settledCount = new Map<number, number>();
    const calls: Array<Promise<PluginInvokeResult>> = [];
    for (let i = 0; i < 6; i++) {
      const call = host.invoke('exit', 'sleep', { ms: 2000 });
      void call.then(() => settledCount.set(i, (settledCount.get(i) ?? 0) + 1));
      calls.push(call);
    }
    const exit = host.invoke('exit', 'exit', { after_ms: 50 });
    const started = performance.now();
    const results = await Promise.all(calls);
    expect(performance.now() - started).toBeLessThan(1500);
    for (const result of results) {
      expect(result).toMatchObject({
        ok: false,
        error: { kind: 'crashed', message: 'the plugin process exited with code 3' },
      });
    }
    expect(await exit).toMatchObject({ ok: false, error: { kind: 'crashed' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([...settledCount.values()]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(host.health('exit')).toMatchObject({ success_count: 1, error_count: 7 });
    // The next call waits for the restart and succeeds.
    expect(await host.invoke('exit', 'ok', {})).toMatchObject({ ok: true });
  });

  it('[CONTRACT 9] an abort settles at once; a child deaf to it is killed after the grace period', async () => {
    const host = await open(['echo'], { abortGraceMs: 200 });
    const pid = await pidOf(host);
    const polite = new AbortController();
    setTimeout(() => polite.abort(), 50);
    const first = await host.invoke('echo', 'until_aborted', {}, { signal: polite.signal });
    expect(first).toMatchObject({ ok: false, error: { kind: 'aborted' } });
    expect(first.ms).toBeLessThan(1000);
    expect(await pidOf(host)).toBe(pid);
    const deaf = new AbortController();
    setTimeout(() => deaf.abort(), 50);
    const second = await host.invoke('echo', 'ignores_abort', { ms: 4000 }, { signal: deaf.signal });
    expect(second).toMatchObject({ ok: false, error: { kind: 'aborted' } });
    expect(second.ms).toBeLessThan(1000);
    expect(await waitFor(() => !alive(pid), 2000)).toBe(true);
    const next = await pidOf(host);
    expect(next).not.toBe(pid);
    expect(
      host.inspect('echo', OPERATOR_VIEW)?.recent_errors.some((e) => /ignored its abort for 200 ms/.test(e.message)),
    ).toBe(true);
  });

  it('[CONTRACT 9] idle processes stop and restart on the next call', async () => {
    const host = await open(['echo'], { idleMs: 200 });
    const pid = await pidOf(host);
    expect(host.health('echo')?.state).toBe('RUNNING');
    expect(await waitFor(() => host.health('echo')?.state === 'LOADED', 3000)).toBe(true);
    expect(await waitFor(() => !alive(pid), 3000)).toBe(true);
    expect(host.health('echo')?.reason).toBeUndefined();
    const next = await pidOf(host);
    expect(next).not.toBe(pid);
    expect(host.health('echo')).toMatchObject({ state: 'RUNNING', success_count: 2, error_count: 0 });
  });

  it('[CONTRACT 9] the breaker opens after N crashes, half-opens for one probe, closes on its success', async () => {
    const host = await open(['exit'], { breaker: { crashes: 3, windowMs: 60_000, cooldownMs: 400 } });
    const probe = startProbe(host);
    for (let i = 0; i < 3; i++) {
      expect(await host.invoke('exit', 'exit', {})).toMatchObject({ error: { kind: 'crashed' } });
    }
    const refused = await host.invoke('exit', 'ok', {});
    expect(refused).toMatchObject({
      ok: false,
      error: { kind: 'unavailable', message: 'circuit open after 3 crashes in 60 s; next probe in 1 s' },
    });
    expect(host.health('exit')?.state).toBe('FAILED');
    expect(host.health('exit')?.reason).toMatch(
      /^circuit open after 3 crashes in 60 s; next probe in 1 s; last failure: crashed/,
    );
    expect(await waitFor(() => /the next call probes it/.test(host.health('exit')?.reason ?? ''), 2000)).toBe(true);
    // Half-open: one probe goes through, a concurrent call is refused.
    const probeCall = host.invoke('exit', 'sleep', { ms: 100 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await host.invoke('exit', 'ok', {})).toMatchObject({
      error: { kind: 'unavailable', message: 'circuit half-open: a probe call is running; try again in a moment' },
    });
    expect(await probeCall).toMatchObject({ ok: true, value: { slept: 100 } });
    expect(await host.invoke('exit', 'ok', {})).toMatchObject({ ok: true });
    expect(host.health('exit')).toMatchObject({ state: 'RUNNING' });
    expect(host.health('exit')?.reason).toBeUndefined();
    // Open again; a probe that crashes re-opens it for twice as long.
    for (let i = 0; i < 3; i++) await host.invoke('exit', 'exit', {});
    expect(await waitFor(() => /the next call probes it/.test(host.health('exit')?.reason ?? ''), 2000)).toBe(true);
    expect(await host.invoke('exit', 'exit', {})).toMatchObject({ error: { kind: 'crashed' } });
    expect(host.health('exit')?.reason).toMatch(/^circuit open again after the probe call crashed; next probe in 1 s/);
    const report = probe.stop();
    expect(report.throws).toEqual([]);
    expect(report.invalid).toEqual([]);
  });

  it('[CONTRACT 9] crash → ready: a crashed plugin restarts by itself and serves the next call', async () => {
    const host = await open(['exit'], { backoff: { baseMs: 100, maxMs: 10_000 }, breaker: { crashes: 100 } });
    expect((await host.invoke('exit', 'ok', {})).ok).toBe(true);
    const figures: Array<{ recovery: number; nextCall: number }> = [];
    for (let i = 0; i < 5; i++) {
      const crash = await host.invoke('exit', 'exit', {});
      expect(crash).toMatchObject({ error: { kind: 'crashed' } });
      const crashedAt = performance.now();
      const next = await host.invoke('exit', 'ok', {});
      expect(next, JSON.stringify(next)).toMatchObject({ ok: true });
      figures.push({ recovery: host.lastRecoveryMs('exit') ?? -1, nextCall: performance.now() - crashedAt });
      // Successful calls reset the backoff: each crash is a "first" crash again.
    }
    for (const figure of figures) expect(figure.recovery).toBeGreaterThan(0);
    console.log(
      `[CONTRACT 9] crash → ready (ms, backoff base 100 ms jittered 50–100): ${figures
        .map((f) => `${f.recovery}/${f.nextCall.toFixed(0)}`)
        .join(', ')} (exit observed → ready / crash answer → next call answered)`,
    );
  });

  it('[CONTRACT 9] a plugin cannot signal the gateway: process.kill is refused in the child', async () => {
    const host = await open(['kill-parent']);
    let sigterms = 0;
    const onSigterm = () => {
      sigterms++;
    };
    process.on('SIGTERM', onSigterm);
    try {
      const result = await host.invoke('kill-parent', 'kill_parent', {});
      expect(result).toMatchObject({ ok: false, error: { kind: 'threw', message: 'kill EPERM' } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sigterms).toBe(0);
      expect(host.health('kill-parent')?.state).toBe('RUNNING');
    } finally {
      process.off('SIGTERM', onSigterm);
    }
  });

  it.runIf(process.getuid?.() === 0)(
    '[CONTRACT 9] runAs: a plugin running as another user cannot signal the gateway even with kill(1)',
    async () => {
      const host = await openPluginHost({
        folders: fixtureFolders('kill-parent'),
        runAs: { uid: 65534, gid: 65534 },
      });
      hosts.push(host);
      let sigterms = 0;
      const onSigterm = () => {
        sigterms++;
      };
      process.on('SIGTERM', onSigterm);
      try {
        const result = await host.invoke('kill-parent', 'kill_parent_shell', {});
        expect(result).toMatchObject({ ok: false, error: { kind: 'threw' } });
        if (!result.ok) expect(result.error.message).toMatch(/Operation not permitted/);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(sigterms).toBe(0);
        expect(await host.invoke('kill-parent', 'ok', {})).toMatchObject({ ok: true });
      } finally {
        process.off('SIGTERM', onSigterm);
      }
    },
  );

  it('[CONTRACT 9] a late message from a killed generation is ignored', async () => {
    const loaded = loadPluginFolder(fixtureFolders('echo')[0] ?? { dir: '', origin: 'external' }, {
      gpu: { present: false, detail: 'test' },
    });
    const slot = new PluginSlot(loaded, resolveLimits({ backoff: { baseMs: 20, maxMs: 40 } }), {
      onChange() {},
      log() {},
    });
    slots.push(slot);
    const first = await runPluginSandboxed(slot, 'pid', {} as JsonValue);
    expect(first.ok).toBe(true);
    const old = slot.currentProcess;
    expect(old?.generation).toBe(1);
    old?.kill({ kind: 'crashed', message: 'killed by the test' });
    expect(await waitFor(() => slot.currentPhase === 'RUNNING' && slot.generation === 2, 3000)).toBe(true);
    const call = runPluginSandboxed(slot, 'sleep', { ms: 150 });
    // Forged answers, progress and ready from generation 1 for every plausible call id.
    for (let id = 0; id < 5000; id++) {
      old?.handleMessage({ t: 'result', id, ok: true, value: { forged: true } });
      old?.handleMessage({ t: 'progress', id, percent: 99 });
    }
    old?.handleMessage({ t: 'ready' });
    const result = await call;
    expect(result).toMatchObject({ ok: true, value: { slept: 150 } });
    expect(slot.generation).toBe(2);
    expect(slot.currentProcess).not.toBe(old);
    expect(slot.health()).toMatchObject({ state: 'RUNNING', success_count: 2, error_count: 0 });
  });
});
