import { performance } from 'node:perf_hooks';
import type { JsonValue } from '@easel/schemas';
// The plugin host is not among @easel/gateway's package exports yet: reached by path (bench may import the gateway).
import type { PluginHost } from '../../../gateway/src/plugins/index.ts';
import { type BenchToolContext, tools } from './fixture/bench-echo/index.mjs';
import type { LatencySummary, PayloadOverhead, PluginsConfig } from './PluginsResult.ts';

/** A reference echo without the plugin host (`RawIpcEcho`, `RawFramesEcho`): the echoed value, null on failure. */
export interface EchoReference {
  call(input: JsonValue): Promise<JsonValue | null>;
}

/** The references measured beside the host, each when it started. */
export interface EchoReferences {
  /** Node's IPC channel alone. */
  rawIpc: EchoReference | null;
  /** The host's channel (length-prefixed frames over a stdio pipe, encoded as the host does) alone. */
  rawFrames: EchoReference | null;
  /** The same plugin host with `ownSession: true` (each plugin process in a session of its own). */
  ownSession: PluginHost | null;
}
import { overheadOf, summarizeLatencies } from './summarizeLatencies.ts';

/** One payload to measure. */
export interface OverheadCase {
  key: string;
  label: string;
  payload: JsonValue;
}

/** Sandboxed calls that may fail in one round before the payload is given up. */
const MAX_FAILED_PER_ROUND = 50;
/** Every n-th answer is compared with the input in full (outside the timed part). */
const DEEP_CHECK_EVERY = 100;

/** `ctx` as the plugin runner builds it, for the direct calls. */
const DIRECT_CTX: BenchToolContext = {
  progress() {},
  warn() {},
  partial() {},
  signal: new AbortController().signal,
};

type PathName = 'direct' | 'sandboxed' | 'ownSession' | 'rawIpc' | 'rawFrames';
const PATHS: readonly PathName[] = ['direct', 'sandboxed', 'ownSession', 'rawIpc', 'rawFrames'];
type Samples = Record<PathName, number[]>;
const noSamples = (): Samples => ({ direct: [], sandboxed: [], ownSession: [], rawIpc: [], rawFrames: [] });
/** Times one call of a path; null when it failed. */
type TimedCall = (input: JsonValue, json: string, deep: boolean) => Promise<number | null>;

/**
 * Call overhead of the plugin sandbox: for each payload, `echo` through `host.invoke` (input schema,
 * the channel to the plugin's child process, output schema, bookkeeping) against the same
 * `tools.echo` imported and called in this process, and against the references that started: an
 * echo over Node's IPC channel alone, one over the host's frame channel alone, and the same host
 * with each plugin process in a session of its own (`ownSession`). One call at a
 * time, the paths interleaved call by call in rotating order (A B C D, B C D A, …), payloads in
 * alternating order per round, after an unrecorded warm-up.
 */
export async function measureOverhead(
  host: PluginHost,
  plugin: string,
  refs: EchoReferences,
  cases: readonly OverheadCase[],
  config: PluginsConfig,
  log: (message: string) => void,
): Promise<{ overhead: PayloadOverhead[]; failures: string[] }> {
  const failures: string[] = [];
  const calls: Array<[PathName, TimedCall]> = [
    [
      'direct',
      async (input) => {
        const started = performance.now();
        await tools.echo(input, DIRECT_CTX);
        return performance.now() - started;
      },
    ],
    ['sandboxed', invokeTimed(host, plugin)],
  ];
  if (refs.ownSession) calls.push(['ownSession', invokeTimed(refs.ownSession, plugin)]);
  for (const name of ['rawIpc', 'rawFrames'] as const) {
    const ref = refs[name];
    if (!ref) continue;
    calls.push([
      name,
      async (input, json, deep) => {
        const started = performance.now();
        const value = await ref.call(input);
        const ms = performance.now() - started;
        if (value === null || (deep && JSON.stringify(value) !== json)) return null;
        return ms;
      },
    ]);
  }

  const state = cases.map((c) => ({
    c,
    json: JSON.stringify(c.payload),
    samples: noSamples(),
    rounds: [] as PayloadOverhead['rounds'],
    failed: 0,
    gaveUp: false,
  }));

  for (const s of state) {
    for (let i = 0; i < config.warmupCalls && !s.gaveUp; i++) {
      for (const [name, call] of calls) {
        if ((await call(s.c.payload, s.json, i === 0)) !== null) continue;
        failures.push(
          `plugins ${s.c.label}: a ${name} warm-up call failed (plugin: ${JSON.stringify(host.health(plugin))})`,
        );
        s.gaveUp = true;
        break;
      }
    }
  }

  for (let round = 0; round < config.rounds; round++) {
    const order = round % 2 === 0 ? state : [...state].reverse();
    for (const s of order) {
      if (s.gaveUp) continue;
      const samples = noSamples();
      let failed = 0;
      for (let i = 0; i < config.callsPerRound && failed <= MAX_FAILED_PER_ROUND; i++) {
        const deep = i % DEEP_CHECK_EVERY === 0;
        for (let k = 0; k < calls.length; k++) {
          const [name, call] = calls[(i + k) % calls.length]!;
          const ms = await call(s.c.payload, s.json, deep);
          if (ms === null) failed++;
          else samples[name].push(ms);
        }
      }
      s.failed += failed;
      if (failed > MAX_FAILED_PER_ROUND) {
        s.gaveUp = true;
        failures.push(`plugins ${s.c.label}: more than ${MAX_FAILED_PER_ROUND} calls failed in round ${round}`);
      }
      const d = summarizeLatencies(samples.direct);
      const v = summarizeLatencies(samples.sandboxed);
      const r = summarizeLatencies(samples.rawIpc);
      const f = summarizeLatencies(samples.rawFrames);
      const o = summarizeLatencies(samples.ownSession);
      if (d && v) {
        s.rounds.push({
          round,
          direct: d,
          sandboxed: v,
          overhead: overheadOf(d, v),
          rawIpc: r,
          rawFrames: f,
          ownSession: o,
        });
      }
      for (const name of PATHS) s.samples[name].push(...samples[name]);
      if (d && v) {
        const rawText =
          (o ? `, own session p50 ${o.p50.toFixed(3)} / p99 ${o.p99.toFixed(3)} ms` : '') +
          (r ? `, raw IPC p50 ${r.p50.toFixed(3)} / p99 ${r.p99.toFixed(3)} ms` : '') +
          (f ? `, raw frames p50 ${f.p50.toFixed(3)} / p99 ${f.p99.toFixed(3)} ms` : '');
        log(
          `plugins ${s.c.label} round ${round}: direct p50 ${d.p50.toFixed(4)} ms, sandboxed p50 ${v.p50.toFixed(3)} / ` +
            `p99 ${v.p99.toFixed(3)} ms${rawText} (${v.n} calls${failed > 0 ? `, ${failed} failed` : ''})`,
        );
      }
    }
  }

  const overhead: PayloadOverhead[] = [];
  for (const s of state) {
    const direct = summarizeLatencies(s.samples.direct);
    const sandboxed = summarizeLatencies(s.samples.sandboxed);
    const rawIpc: LatencySummary | null = summarizeLatencies(s.samples.rawIpc);
    const rawFrames: LatencySummary | null = summarizeLatencies(s.samples.rawFrames);
    const ownSession: LatencySummary | null = summarizeLatencies(s.samples.ownSession);
    if (!direct || !sandboxed) {
      failures.push(`plugins ${s.c.label}: no successful sandboxed call to measure`);
      continue;
    }
    overhead.push({
      key: s.c.key,
      label: s.c.label,
      bytes: s.json.length,
      direct,
      sandboxed,
      overhead: overheadOf(direct, sandboxed),
      rawIpc,
      hostOverRawIpc: rawIpc ? overheadOf(rawIpc, sandboxed) : null,
      rawFrames,
      hostOverRawFrames: rawFrames ? overheadOf(rawFrames, sandboxed) : null,
      ownSession,
      rounds: s.rounds,
      failedCalls: s.failed,
    });
  }
  return { overhead, failures };
}

/** A timed `echo` through a plugin host; null when it failed or (on a deep check) answered something else. */
function invokeTimed(host: PluginHost, plugin: string): TimedCall {
  return async (input, json, deep) => {
    const started = performance.now();
    const result = await host.invoke(plugin, 'echo', input);
    const ms = performance.now() - started;
    if (!result.ok || (deep && JSON.stringify(result.value) !== json)) return null;
    return ms;
  };
}
