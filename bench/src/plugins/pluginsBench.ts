import { fileURLToPath } from 'node:url';
import { openPluginHost, type SandboxPluginHost } from '../../../gateway/src/plugins/index.ts';
import { makePayload, makeStringPayload } from './makePayload.ts';
import { measureCrashToReady } from './measureCrashToReady.ts';
import { measureOverhead, type OverheadCase } from './measureOverhead.ts';
import { PLUGINS_FULL, PLUGINS_QUICK, type PluginsResult } from './PluginsResult.ts';
import { RawFramesEcho } from './RawFramesEcho.ts';
import { RawIpcEcho } from './RawIpcEcho.ts';

/** The bench's own plugin folder (`echo`, `crash`). */
export const BENCH_PLUGIN_DIR = fileURLToPath(new URL('./fixture/bench-echo', import.meta.url));
export const BENCH_PLUGIN = 'bench-echo';

/** Crashes the breaker tolerates in its window during the bench (default 5: it would open at the 5th). */
const BENCH_BREAKER_CRASHES = 1_000_000;

/** What the plugin bench needs from the run (a `RunContext` fits). */
export interface PluginsBenchOptions {
  readonly quick: boolean;
  log(message: string): void;
}

/**
 * The plugin bench (issue 4, BENCHMARKS.md), in this process against the real plugin host
 * (`openPluginHost`, one sandboxed child process for the bench plugin): call overhead for a trivial
 * and a 10 KB payload against a direct in-process call of the same tool (references: the raw
 * channels, and the host with `ownSession`), then crash → ready with standby processes (the
 * default) and without, interleaved. Never throws for a measurement that fails: it lands in `failures`.
 */
export async function runPluginsBench(options: PluginsBenchOptions): Promise<PluginsResult> {
  const config = options.quick ? PLUGINS_QUICK : PLUGINS_FULL;
  const notes = [
    `breaker opens after ${BENCH_BREAKER_CRASHES} crashes in 60 s (default 5: the 5th crash of the crash loop would open it for 30 s, by design); every other host limit default (restart backoff 100 ms base, jittered to 50–100 ms after a first crash)`,
    'GPU probe replaced by "absent" (the plugin is device: cpu)',
    'standby processes on (default: a plugin gets one after 20 calls in 60 s or a crash); the "without standby" reference sets `standby.enabled: false`',
  ];
  const result: PluginsResult = { config, notes, overhead: [], crash: null, failures: [] };
  let host: SandboxPluginHost | null = null;
  let ownSession: SandboxPluginHost | null = null;
  let noStandby: SandboxPluginHost | null = null;
  let raw: RawIpcEcho | null = null;
  let frames: RawFramesEcho | null = null;
  try {
    const open = (extra: Partial<Parameters<typeof openPluginHost>[0]>, standby = true) =>
      openPluginHost({
        folders: [{ dir: BENCH_PLUGIN_DIR, origin: 'external' }],
        gpu: { present: false, detail: 'not probed by the bench' },
        limits: { breaker: { crashes: BENCH_BREAKER_CRASHES }, standby: { enabled: standby } },
        ...extra,
      });
    host = await open({});
    const health = host.health(BENCH_PLUGIN);
    if (!health || health.state === 'UNAVAILABLE') {
      result.failures.push(`plugins: ${BENCH_PLUGIN} did not load: ${health?.reason ?? 'not listed'}`);
      return result;
    }
    const kb = Math.round(config.largePayloadBytes / 1024);
    const cases: OverheadCase[] = [
      { key: 'trivial', label: 'trivial', payload: { text: 'ping' } },
      { key: `${kb}kb`, label: `${kb} KB`, payload: makePayload(config.largePayloadBytes) },
      { key: `${kb}kb_string`, label: `${kb} KB one string`, payload: makeStringPayload(config.largePayloadBytes) },
    ];
    raw = await RawIpcEcho.start();
    if (!raw) result.failures.push('plugins: the raw IPC reference did not start (measured without it)');
    frames = await RawFramesEcho.start();
    if (!frames) result.failures.push('plugins: the raw frames reference did not start (measured without it)');
    ownSession = await open({ ownSession: true });
    const refs = { rawIpc: raw, rawFrames: frames, ownSession };
    const overhead = await measureOverhead(host, BENCH_PLUGIN, refs, cases, config, options.log);
    await raw?.stop();
    raw = null;
    await frames?.stop();
    frames = null;
    await ownSession.close();
    ownSession = null;
    result.overhead = overhead.overhead;
    result.failures.push(...overhead.failures);
    noStandby = await open({}, false);
    const variants = [
      { label: 'standby', host },
      { label: 'without standby', host: noStandby },
    ];
    const crash = await measureCrashToReady(variants, BENCH_PLUGIN, config, options.log);
    result.crash = crash.crashes[0] ?? null;
    result.crashWithoutStandby = crash.crashes[1] ?? null;
    result.failures.push(...crash.failures);
  } catch (error) {
    result.failures.push(`plugins: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await raw?.stop();
    await frames?.stop();
    await host?.close();
    await ownSession?.close();
    await noStandby?.close();
  }
  return result;
}
