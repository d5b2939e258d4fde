import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxPluginHost } from '../../../gateway/src/plugins/index.ts';
import type { CrashResult, PluginsConfig } from './PluginsResult.ts';
import { summarizeLatencies } from './summarizeLatencies.ts';

/** Pause between a recovery and the next crash, ms. */
const SETTLE_MS = 20;
/** Pause between two failed probe calls, ms. */
const RETRY_MS = 5;
const PROBE = { text: 'ready?' } as const;

/**
 * Time from crash to ready: the `crash` tool calls `process.exit(1)` in the plugin's child process;
 * the clock starts just before that call is issued and stops when the next `echo` call (issued as
 * soon as the crash call answered, then every 5 ms while calls fail) succeeds. The host restarts the
 * process eagerly after its jittered backoff, so the first call usually waits for that restart.
 * Also records the host's own figure (`lastRecoveryMs`: exit booked → new process ready).
 */
export async function measureCrashToReady(
  host: SandboxPluginHost,
  plugin: string,
  config: PluginsConfig,
  log: (message: string) => void,
): Promise<{ crash: CrashResult; failures: string[] }> {
  const readyMs: number[] = [];
  const hostRecoveryMs: number[] = [];
  const crashKinds: Record<string, number> = {};
  const failures: string[] = [];
  let recovered = 0;
  const total = config.warmupCrashes + config.crashes;
  for (let k = 0; k < total; k++) {
    const recorded = k >= config.warmupCrashes;
    const started = performance.now();
    const deadline = started + config.crashDeadlineMs;
    const crash = await host.invoke(plugin, 'crash', {});
    const kind = crash.ok ? 'ok' : crash.error.kind;
    if (recorded) crashKinds[kind] = (crashKinds[kind] ?? 0) + 1;
    let ready = false;
    let lastError = '';
    while (performance.now() < deadline) {
      const remaining = Math.max(1, Math.round(deadline - performance.now()));
      const result = await host.invoke(plugin, 'echo', PROBE, { signal: AbortSignal.timeout(remaining) });
      if (result.ok) {
        ready = true;
        break;
      }
      lastError = `${result.error.kind}: ${result.error.message}`;
      await sleep(RETRY_MS);
    }
    const elapsed = performance.now() - started;
    if (!recorded) continue;
    if (ready) {
      recovered++;
      readyMs.push(elapsed);
      const own = host.lastRecoveryMs(plugin);
      if (own !== null) hostRecoveryMs.push(own);
    } else {
      failures.push(
        `plugins crash ${k - config.warmupCrashes + 1}: not ready within ${config.crashDeadlineMs} ms (${lastError})`,
      );
    }
    await sleep(SETTLE_MS);
  }
  const summary = summarizeLatencies(readyMs);
  if (summary) {
    log(
      `plugins crash → ready: p50 ${summary.p50.toFixed(0)} ms, p99 ${summary.p99.toFixed(0)} ms, max ` +
        `${summary.max.toFixed(0)} ms (${recovered}/${config.crashes} recovered)`,
    );
  }
  return {
    crash: {
      crashes: config.crashes,
      recovered,
      readyMs: summary,
      hostRecoveryMs: summarizeLatencies(hostRecoveryMs),
      crashKinds,
    },
    failures,
  };
}
