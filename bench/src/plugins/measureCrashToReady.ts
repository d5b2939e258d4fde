import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxPluginHost } from '../../../gateway/src/plugins/index.ts';
import type { CrashResult, PluginsConfig } from './PluginsResult.ts';
import { summarizeLatencies } from './summarizeLatencies.ts';

/** Pause between a recovery and the next crash, ms. */
const SETTLE_MS = 20;
/** Pause between two failed probe calls, ms. */
const RETRY_MS = 5;
/** Longest wait for a host's standby to be ready again before its next crash, ms. */
const STANDBY_WAIT_MS = 5000;
const PROBE = { text: 'ready?' } as const;

/** One host to crash, under a name for the log. */
export interface CrashVariant {
  readonly label: string;
  readonly host: SandboxPluginHost;
}

interface Tally {
  readyMs: number[];
  hostRecoveryMs: number[];
  crashKinds: Record<string, number>;
  recovered: number;
  standbyReady: number;
}

/**
 * Time from crash to ready, for each host variant, interleaved crash by crash (A B A B …) so load
 * changes hit them alike: the `crash` tool calls `process.exit(1)` in the plugin's child process;
 * the clock starts just before that call is issued and stops when the next `echo` call (issued as
 * soon as the crash call answered, then every 5 ms while calls fail) succeeds. Before each crash the
 * standby of every variant that keeps one may finish starting (≤ 5 s): crashes are measured as rare
 * events, not as a crash loop (which the backoff and breaker govern), and no variant's recovery
 * competes with another's standby start for the CPU. Also records the host's own figure
 * (`lastRecoveryMs`: exit booked → serving process ready) and how many crashes found a standby ready.
 */
export async function measureCrashToReady(
  variants: readonly CrashVariant[],
  plugin: string,
  config: PluginsConfig,
  log: (message: string) => void,
): Promise<{ crashes: CrashResult[]; failures: string[] }> {
  const tallies: Tally[] = variants.map(() => ({
    readyMs: [],
    hostRecoveryMs: [],
    crashKinds: {},
    recovered: 0,
    standbyReady: 0,
  }));
  const failures: string[] = [];
  const total = config.warmupCrashes + config.crashes;
  for (let k = 0; k < total; k++) {
    const recorded = k >= config.warmupCrashes;
    for (const [i, variant] of variants.entries()) {
      const tally = tallies[i];
      if (!tally) continue;
      await standbysSettled(variants, plugin);
      const failure = await crashOnce(variant.host, plugin, config, recorded ? tally : null);
      if (failure) failures.push(`plugins crash ${k - config.warmupCrashes + 1} (${variant.label}): ${failure}`);
    }
  }
  const crashes = tallies.map((tally, i): CrashResult => {
    const summary = summarizeLatencies(tally.readyMs);
    if (summary) {
      log(
        `plugins crash → ready, ${variants[i]?.label}: p50 ${summary.p50.toFixed(0)} ms, p99 ${summary.p99.toFixed(0)} ms, ` +
          `max ${summary.max.toFixed(0)} ms (${tally.recovered}/${config.crashes} recovered, ${tally.standbyReady} with a standby ready)`,
      );
    }
    return {
      crashes: config.crashes,
      recovered: tally.recovered,
      readyMs: summary,
      hostRecoveryMs: summarizeLatencies(tally.hostRecoveryMs),
      crashKinds: tally.crashKinds,
      standbyReady: tally.standbyReady,
    };
  });
  return { crashes, failures };
}

/** One crash and recovery; books it in `tally` when given. Returns why it did not recover, or null. */
async function crashOnce(
  host: SandboxPluginHost,
  plugin: string,
  config: PluginsConfig,
  tally: Tally | null,
): Promise<string | null> {
  const standbyReady = host.standbyState(plugin) === 'ready';
  const started = performance.now();
  const deadline = started + config.crashDeadlineMs;
  const crash = await host.invoke(plugin, 'crash', {});
  const kind = crash.ok ? 'ok' : crash.error.kind;
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
  await sleep(SETTLE_MS);
  if (!tally) return null;
  tally.crashKinds[kind] = (tally.crashKinds[kind] ?? 0) + 1;
  if (!ready) return `not ready within ${config.crashDeadlineMs} ms (${lastError})`;
  tally.recovered++;
  tally.readyMs.push(elapsed);
  if (standbyReady) tally.standbyReady++;
  const own = host.lastRecoveryMs(plugin);
  if (own !== null) tally.hostRecoveryMs.push(own);
  return null;
}

/** Waits (≤ 5 s) until no variant's standby is scheduled or starting. */
async function standbysSettled(variants: readonly CrashVariant[], plugin: string): Promise<void> {
  const starting = () =>
    variants.some((v) => {
      const state = v.host.standbyState(plugin);
      return state === 'scheduled' || state === 'starting';
    });
  const waitUntil = performance.now() + STANDBY_WAIT_MS;
  while (starting() && performance.now() < waitUntil) await sleep(RETRY_MS);
}
