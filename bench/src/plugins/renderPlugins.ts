import { type LatencySummary, PLUGIN_TARGETS, type PluginsResult } from './PluginsResult.ts';
import { markdownTable } from '../lib/markdownTable.ts';

const ms = (v: number, digits = 3): string => `${v.toFixed(digits)} ms`;

function rangeOf(values: number[], digits = 3): string {
  if (values.length < 2) return '';
  return ` (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
}

function summaryCells(s: LatencySummary | null, digits = 3): string[] {
  return s ? [ms(s.p50, digits), ms(s.p99, digits), ms(s.max, digits), String(s.n)] : ['—', '—', '—', '0'];
}

/** The `latest.md` section of the plugin bench. */
export function renderPlugins(result: PluginsResult): string {
  const c = result.config;
  const out = ['## Plugins: call overhead of the sandbox, crash → ready'];
  out.push(
    `The real plugin host (\`openPluginHost\`, \`gateway/src/plugins/\`) runs the bench plugin ` +
      '(`bench/src/plugins/fixture/bench-echo`) in its sandboxed child process; the baseline is the same ' +
      '`tools.echo` imported and called directly in the bench process. One call at a time, the paths ' +
      `interleaved call by call in rotating order, ${c.warmupCalls} warm-up calls per path and payload, then ${c.rounds} rounds × ` +
      `${c.callsPerRound} calls per path and payload. Call time = \`invoke\` issued → answer (input and output ` +
      'schemas, the channel both ways, bookkeeping). Overhead = sandboxed − direct at the same percentile (pooled ' +
      'over rounds; per-round min–max in brackets). References without a target, interleaved with the others: ' +
      '*raw frames* is the same echo over the channel the host uses, alone (length-prefixed frames over an ' +
      'extra stdio pipe, JSON heads and MessagePack or JSON bodies encoded as the host does, ' +
      '`gateway/src/plugins/sandbox/frames.mjs`, no host); *raw IPC* is the same echo over ' +
      "Node's IPC channel (`serialization: 'json'`), which the host used before; *own session* is the same host " +
      'with `ownSession: true` (each plugin process in a session of its own, as before: on a kernel with ' +
      '`sched_autogroup` every call then waits for that session to be scheduled); *host − raw frames* is what the ' +
      'plugin host adds on top of its channel. ' +
      'The 10 KB payload is ≈ 180 small objects (blocks of a canvas); the string payload is one 10 KB string.',
  );
  const rows = result.overhead.map((p) => [
    `${p.label} (${p.bytes} B JSON)`,
    `${ms(p.direct.p50, 4)} / ${ms(p.direct.p99, 4)}`,
    p.rawIpc ? `${ms(p.rawIpc.p50)} / ${ms(p.rawIpc.p99)}` : '—',
    p.rawFrames ? `${ms(p.rawFrames.p50)} / ${ms(p.rawFrames.p99)}` : '—',
    p.ownSession ? `${ms(p.ownSession.p50)} / ${ms(p.ownSession.p99)}` : '—',
    `${ms(p.sandboxed.p50)} / ${ms(p.sandboxed.p99)} / ${ms(p.sandboxed.max, 1)}`,
    `**${ms(p.overhead.p50)}**${rangeOf(p.rounds.map((r) => r.overhead.p50))}`,
    `**${ms(p.overhead.p99)}**${rangeOf(p.rounds.map((r) => r.overhead.p99))}`,
    p.hostOverRawFrames ? `${ms(p.hostOverRawFrames.p50)} / ${ms(p.hostOverRawFrames.p99)}` : '—',
    `${p.sandboxed.n}${p.failedCalls > 0 ? ` (${p.failedCalls} failed)` : ''}`,
  ]);
  out.push(
    markdownTable(
      [
        'payload',
        'direct p50 / p99',
        'raw IPC p50 / p99',
        'raw frames p50 / p99',
        'own session p50 / p99',
        'sandboxed p50 / p99 / max',
        `overhead p50 (≤ ${PLUGIN_TARGETS.overheadP50Ms} ms)`,
        `overhead p99 (≤ ${PLUGIN_TARGETS.overheadP99Ms} ms)`,
        'host − raw frames p50 / p99',
        'sandboxed calls',
      ],
      rows,
    ),
  );
  const crash = result.crash;
  if (crash) {
    const without = result.crashWithoutStandby ?? null;
    out.push(
      `Crash → ready: the plugin's \`crash\` tool calls \`process.exit(1)\`; measured from just before that call ` +
        'is issued until the next `echo` call (issued at once, then every 5 ms while failing) succeeds; ' +
        `${c.warmupCrashes} unrecorded crashes first, then ${crash.crashes}. With standby processes (the default) a ` +
        "crash promotes the plugin's standby (imports and init done) at once; each crash waits (≤ 5 s) for the " +
        'standby to be ready again, which it is again after the restart backoff plus a process start. ' +
        (without
          ? 'Interleaved crash by crash with the same host without standby processes (a restart after the jittered backoff). '
          : '') +
        `The host's own figure is its \`lastRecoveryMs\` (exit booked → serving process ready). Crash calls answered: ` +
        `${Object.entries(crash.crashKinds)
          .map(([kind, n]) => `${kind} × ${n}`)
          .join(', ')}; recovered ${crash.recovered}/${crash.crashes}` +
        (crash.standbyReady !== undefined ? `, ${crash.standbyReady} with a standby ready.` : '.'),
    );
    const rows = [
      [`crash → next call succeeds (≤ ${PLUGIN_TARGETS.crashToReadyS} s)`, ...summaryCells(crash.readyMs, 1)],
      ['host: exit → serving process ready', ...summaryCells(crash.hostRecoveryMs, 1)],
    ];
    if (without) {
      rows.push(
        ['without standby: crash → next call succeeds', ...summaryCells(without.readyMs, 1)],
        ['without standby: exit → new process ready', ...summaryCells(without.hostRecoveryMs, 1)],
      );
    }
    out.push(markdownTable(['', 'p50', 'p99', 'max', 'n'], rows));
  }
  if (result.notes.length > 0) out.push(`Host settings: ${result.notes.join('; ')}.`);
  if (result.failures.length > 0) out.push(`Failures: ${result.failures.map((f) => f.split('\n')[0]).join('; ')}`);
  return out.join('\n\n');
}
