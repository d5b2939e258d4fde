import { fmt, pct } from '../lib/format.ts';
import { spread } from '../lib/stats.ts';
import type { AgentsResult, AgentsSample } from './AgentsResult.ts';
import { spreadCell } from '../lib/markdownTable.ts';

const ms = (v: number): string => `${v.toFixed(2)} ms`;

/** The `latest.md` section of the agents bench: medians over rounds (min–max). */
export function renderAgents(result: AgentsResult): string {
  const c = result.config;
  const s = result.samples;
  const of = (f: (x: AgentsSample) => number | null | undefined) =>
    spread(s.map(f).filter((v): v is number => typeof v === 'number'));
  const latency = [
    ['', '`chat.send` → `turn_accepted`', '`token.set` → `token_patch` (baseline)'],
    [
      'event p50',
      spreadCell(
        of((x) => x.chat.event.p50),
        ms,
      ),
      spreadCell(
        of((x) => x.token.event.p50),
        ms,
      ),
    ],
    [
      'event p99',
      spreadCell(
        of((x) => x.chat.event.p99),
        ms,
      ),
      spreadCell(
        of((x) => x.token.event.p99),
        ms,
      ),
    ],
    [
      'event max',
      spreadCell(
        of((x) => x.chat.event.max),
        ms,
      ),
      spreadCell(
        of((x) => x.token.event.max),
        ms,
      ),
    ],
    [
      'HTTP answer p50',
      spreadCell(
        of((x) => x.chat.ack.p50),
        ms,
      ),
      spreadCell(
        of((x) => x.token.ack.p50),
        ms,
      ),
    ],
    [
      'HTTP answer p99',
      spreadCell(
        of((x) => x.chat.ack.p99),
        ms,
      ),
      spreadCell(
        of((x) => x.token.ack.p99),
        ms,
      ),
    ],
    [
      'samples (missed, errors)',
      ...(['chat', 'token'] as const).map((k) => {
        const n = s.reduce((sum, x) => sum + x[k].event.n, 0);
        const missed = s.reduce((sum, x) => sum + x[k].missed, 0);
        const errors = s.reduce((sum, x) => sum + x[k].errors, 0);
        return `${n} (${missed}, ${errors})`;
      }),
    ],
  ];
  const throughput = [
    ['', `Easel chat_token (${c.throughput.turns} agents)`, `raw SSE (${c.throughput.rawWriters} writers)`],
    [
      `frames delivered/s to ${c.throughput.subscribers}`,
      spreadCell(
        of((x) => x.throughput.framesPerSec),
        fmt,
      ),
      spreadCell(
        of((x) => x.raw?.deliveriesPerSec),
        fmt,
      ),
    ],
    [
      'frames/s per subscriber',
      spreadCell(
        of((x) => x.throughput.framesPerSecPerSubscriber),
        fmt,
      ),
      '—',
    ],
    [
      'streamed characters/s (all subscribers)',
      spreadCell(
        of((x) => x.throughput.charsPerSec),
        fmt,
      ),
      '—',
    ],
    [
      'turns ended/s',
      spreadCell(
        of((x) => x.throughput.turnsPerSec),
        fmt,
      ),
      '—',
    ],
    [
      'token age at subscriber 0 p50 / p99',
      `${spreadCell(
        of((x) => x.throughput.tokenAge.p50),
        ms,
      )} / ${spreadCell(
        of((x) => x.throughput.tokenAge.p99),
        ms,
      )}`,
      '—',
    ],
    [
      'server CPU (share of a core)',
      spreadCell(
        of((x) => x.serverCpu),
        pct,
      ),
      spreadCell(
        of((x) => x.raw?.serverCpu),
        pct,
      ),
    ],
    [
      'server CPU µs per delivery',
      spreadCell(
        of((x) => x.serverUsPerFrame),
        (v) => v.toFixed(2),
      ),
      spreadCell(
        of((x) => x.raw?.serverUsPerDelivery),
        (v) => v.toFixed(2),
      ),
    ],
    [
      'client process CPU',
      spreadCell(
        of((x) => x.throughput.clientCpu),
        pct,
      ),
      '—',
    ],
  ];
  const table = (rows: string[][]) =>
    [
      `| ${rows[0]!.join(' | ')} |`,
      `|${rows[0]!.map(() => '---').join('|')}|`,
      ...rows.slice(1).map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
  return [
    '## Agents: turns and token streaming',
    `Latency: one command at a time from one client process (${c.latency.samples} samples per type after ` +
      `${c.latency.warmupSamples} warm-up, ${c.latency.gapMs} ms apart, the two types alternating), timed from the ` +
      'request to its event parsed by a lightweight SSE subscriber in the same process (matched by `causation_id`); ' +
      'each sampled turn is cancelled once accepted. Throughput: ' +
      `${c.throughput.subscribers} lightweight SSE subscribers on one canvas; ${c.throughput.turns} agents (one ` +
      'actor each, since a session runs its turns one after another) keep a turn in flight each; the local model ' +
      `streams at ${c.tokenDelayMs} ms per token; chat_token frames counted over ${c.throughput.measureMs} ms after ` +
      `${c.throughput.warmupMs} ms warm-up. Baseline: raw SSE (the fan-out bench's server) at saturation to the ` +
      `same subscribers. ${c.rounds} round(s), raw then Easel, fresh servers per sample.`,
    table(latency),
    table(throughput),
  ].join('\n\n');
}
