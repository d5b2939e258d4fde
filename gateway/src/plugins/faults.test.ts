import { pluginInvokeResultSchema } from '@easel/schemas';
import { OPERATOR_VIEW } from './inspector/RecentLog.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPluginHost, type SandboxPluginHost } from './openPluginHost.ts';
import { RUNTIME_FAULTS } from './testing/runtimeFaults.ts';
import { fixtureFolders, type ProbeReport, startProbe, waitFor } from './testing/pluginTestKit.ts';

// Every fault fixture, three times in a row, while a probe hammers list/health/inspect every 2 ms
// and a good plugin (echo) is called in a loop: the host never throws, states and reasons are
// right, and the next good call succeeds. Real child processes, real fixtures.

const REPEAT = 3;

const FOLDERS = fixtureFolders(
  'echo',
  'echo-duplicate',
  'import-missing-declared',
  'import-missing',
  'init-fails',
  'gpu-only',
  'invalid-manifest',
  'bad-timeout',
  ...RUNTIME_FAULTS.map((fault) => fault.plugin),
);

let host: SandboxPluginHost;
let sigterms = 0;
const onSigterm = () => {
  sigterms++;
};

/** Calls echo in a loop until stopped; every answer must be ok. */
function goodTraffic(): { stop(): Promise<{ calls: number; failures: string[] }> } {
  let running = true;
  let calls = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (running && calls < 10_000) {
      const result = await host.invoke('echo', 'echo', { text: `call ${calls}` });
      calls++;
      if (!result.ok || (result.value as { text: string }).text !== `call ${calls - 1}`) {
        failures.push(JSON.stringify(result));
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { calls, failures };
    },
  };
}

function expectCleanProbe(report: ProbeReport): void {
  expect(report.throws).toEqual([]);
  expect(report.invalid).toEqual([]);
  expect(report.rounds).toBeGreaterThan(5);
}

beforeAll(async () => {
  process.on('SIGTERM', onSigterm);
  host = await openPluginHost({
    folders: FOLDERS,
    limits: { breaker: { crashes: 20 }, backoff: { baseMs: 50, maxMs: 200 } },
  });
  // Warm the good plugin so its traffic runs during every fault.
  expect((await host.invoke('echo', 'echo', { text: 'warm' })).ok).toBe(true);
});

afterAll(async () => {
  await host?.close();
  process.off('SIGTERM', onSigterm);
});

describe('[CONTRACT 9] runtime faults', () => {
  for (const fault of RUNTIME_FAULTS) {
    it(`[CONTRACT 9] ${fault.plugin}: ${fault.kind} ${REPEAT}×, the host stays up and the next good call succeeds`, async () => {
      const probe = startProbe(host);
      const traffic = goodTraffic();
      for (let round = 1; round <= REPEAT; round++) {
        const result = await host.invoke(fault.plugin, fault.tool, {});
        expect(pluginInvokeResultSchema.safeParse(result).success).toBe(true);
        expect(result.ok).toBe(false);
        if (result.ok) continue;
        expect(result.error.kind).toBe(fault.kind);
        expect(result.error.message).toMatch(fault.message);
        // The plugin's own next call succeeds (after the restart when it crashed).
        const next = await host.invoke(fault.plugin, 'ok', {});
        expect(next).toMatchObject({ ok: true, value: { ok: true } });
        expect(host.health(fault.plugin)?.state).toBe('RUNNING');
      }
      const report = probe.stop();
      const { calls, failures } = await traffic.stop();
      expectCleanProbe(report);
      expect(failures).toEqual([]);
      expect(calls).toBeGreaterThan(0);
      expect(sigterms).toBe(0);
      const health = host.health(fault.plugin);
      expect(health).toMatchObject({ state: 'RUNNING', success_count: REPEAT, error_count: REPEAT });
      const seen = report.seen.get(fault.plugin) ?? [];
      const failed = seen.filter((entry) => entry.state === 'FAILED');
      if (fault.crashes) {
        // The probe saw the crash: FAILED, with the kind and when it restarts.
        expect(failed.length).toBeGreaterThan(0);
        expect(failed[0]?.reason).toMatch(new RegExp(`^${fault.kind}: .*; restarting in \\d+\\.\\d s`));
        expect(host.lastRecoveryMs(fault.plugin)).not.toBeNull();
      } else {
        expect(failed).toEqual([]);
      }
      const inspector = host.inspect(fault.plugin, OPERATOR_VIEW);
      const callErrors = inspector?.recent_errors.filter((entry) => entry.tool === fault.tool) ?? [];
      expect(callErrors).toHaveLength(REPEAT);
      expect(callErrors[0]?.message).toMatch(new RegExp(`^${fault.kind}: `));
      expect(inspector?.tools.ok?.timings_ms?.count).toBe(REPEAT);
    }, 30_000);
  }
});

describe('[CONTRACT 9] plugins that cannot load', () => {
  it('[CONTRACT 9] requires a missing package: UNAVAILABLE at load with how to install it; calls answer unavailable', async () => {
    const health = host.health('import-missing-declared');
    expect(health?.state).toBe('UNAVAILABLE');
    expect(health?.reason).toBe(
      `import: Cannot find module 'easel-fixture-not-installed' (install it in the plugin folder: ` +
        `cd ${FOLDERS.find((f) => f.dir.endsWith('/import-missing-declared'))?.dir} && npm install easel-fixture-not-installed)`,
    );
    for (let round = 0; round < REPEAT; round++) {
      const result = await host.invoke('import-missing-declared', 'ok', {});
      expect(result).toMatchObject({ ok: false, error: { kind: 'unavailable', message: health?.reason } });
    }
  });

  it('[CONTRACT 9] imports a missing package without declaring it: the first call finds out, then UNAVAILABLE', async () => {
    expect(host.health('import-missing')?.state).toBe('LOADED');
    const probe = startProbe(host);
    for (let round = 0; round < REPEAT; round++) {
      const result = await host.invoke('import-missing', 'ok', {});
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.kind).toBe('unavailable');
      expect(result.error.message).toMatch(
        /^import: Cannot find module 'easel-fixture-not-installed-either' \(install it in the plugin folder: cd \/.*\/import-missing && npm install easel-fixture-not-installed-either\)$/,
      );
    }
    expectCleanProbe(probe.stop());
    expect(host.health('import-missing')?.state).toBe('UNAVAILABLE');
    expect(host.inspect('import-missing', OPERATOR_VIEW)?.recent_errors[0]?.message).toMatch(
      /^import: Cannot find module/,
    );
  });

  it('[CONTRACT 9] init fails: FAILED with `init: <message>` and the next retry; retried after the backoff', async () => {
    const probe = startProbe(host);
    for (let round = 1; round <= REPEAT; round++) {
      const result = await host.invoke('init-fails', 'ok', {});
      expect(result).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
      if (!result.ok) expect(result.error.message).toMatch(/^init: model file weights\.bin is missing; next retry in/);
      const health = host.health('init-fails');
      expect(health?.state).toBe('FAILED');
      // Within the backoff the call fails fast without a new process.
      const fast = await host.invoke('init-fails', 'ok', {});
      expect(fast.ok).toBe(false);
      expect(await waitFor(() => /the next call retries$/.test(host.health('init-fails')?.reason ?? ''), 3000)).toBe(
        true,
      );
    }
    expectCleanProbe(probe.stop());
    const inspector = host.inspect('init-fails', OPERATOR_VIEW);
    expect(inspector?.recent_warnings.filter((w) => w.message === 'loading weights')).toHaveLength(REPEAT);
    expect(inspector?.recent_errors.filter((e) => e.tool === undefined)).toHaveLength(REPEAT);
  }, 15_000);

  it('[CONTRACT 9] device gpu on a machine without one: UNAVAILABLE saying how to fix it', async () => {
    const health = host.health('gpu-only');
    expect(health?.state).toBe('UNAVAILABLE');
    expect(health?.reason).toMatch(/^device: needs a GPU but none was found \(.*\); run the gateway on a machine/);
    expect(health?.reason).toContain('"device": "any"');
    expect(await host.invoke('gpu-only', 'ok', {})).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
  });

  it('[CONTRACT 9] invalid plugin.json: UNAVAILABLE under its folder name, naming the field', async () => {
    expect(host.health('invalid-manifest')).toMatchObject({
      name: 'invalid-manifest',
      state: 'UNAVAILABLE',
      success_count: 0,
      error_count: 0,
    });
    expect(host.health('invalid-manifest')?.reason).toMatch(
      /^plugin\.json: name: must match .*; also invalid: version, description, device, tools\.run\.timeout_ms$/,
    );
    expect(host.health('bad-timeout')?.reason).toMatch(/^plugin\.json: tools\.run\.timeout_ms: /);
    expect(host.manifest('invalid-manifest')).toBeNull();
    expect(await host.invoke('invalid-manifest', 'run', {})).toMatchObject({
      ok: false,
      error: { kind: 'unavailable' },
    });
  });

  it('[CONTRACT 9] a duplicate name: the second folder is UNAVAILABLE naming the first', () => {
    const duplicate = host.health('echo-duplicate');
    expect(duplicate?.state).toBe('UNAVAILABLE');
    expect(duplicate?.reason).toMatch(
      /^duplicate plugin name "echo": already loaded from \/.*\/fixtures\/plugins\/echo;/,
    );
    expect(host.health('echo')?.state).toBe('RUNNING');
    const names = host.list().map((item) => item.name);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
  });
});
