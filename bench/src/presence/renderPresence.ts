import { fmt, pct } from '../lib/format.ts';
import { spread } from '../lib/stats.ts';
import { PRESENCE_SERVERS, type PresenceResult, type PresenceSample } from './PresenceResult.ts';
import { spreadCell } from '../lib/markdownTable.ts';

const LABELS = { hocuspocus: 'Hocuspocus 3.4', easel: 'Easel' } as const;

const ms = (v: number): string => `${v.toFixed(1)} ms`;

/** The `latest.md` section of the awareness bench: one column per server and rate, medians over rounds. */
export function renderPresence(result: PresenceResult): string {
  const c = result.config;
  const columns = c.rates.flatMap((hz) =>
    PRESENCE_SERVERS.filter((server) => result.samples.some((s) => s.server === server && s.hz === hz)).map(
      (server) => ({ hz, server }),
    ),
  );
  const row = (label: string, value: (s: PresenceSample) => number, show: (v: number) => string): string[] => [
    label,
    ...columns.map(({ hz, server }) =>
      spreadCell(spread(result.samples.filter((s) => s.server === server && s.hz === hz).map(value)), show),
    ),
  ];
  const rows = [
    row('latency p50 (set → last other collaborator)', (s) => s.latency.p50, ms),
    row('latency p99', (s) => s.latency.p99, ms),
    row('latency max', (s) => s.latency.max, ms),
    row('sets/s (all collaborators)', (s) => s.setsPerSec, fmt),
    row('awareness entries received/s', (s) => s.deliveriesPerSec, fmt),
    row('sets seen by every other collaborator', (s) => s.complete, pct),
    row('server CPU (share of a core)', (s) => s.serverCpu, pct),
    row(
      'server CPU µs per entry received',
      (s) => s.serverUsPerDelivery,
      (v) => v.toFixed(1),
    ),
    row('client process CPU', (s) => s.clientCpu, pct),
  ];
  const head = ['', ...columns.map(({ hz, server }) => `${LABELS[server]} @ ${hz} Hz`)];
  const out = [
    '## Presence: awareness fan-out',
    `${c.collaborators} collaborators on one document move their cursors at ${c.rates.join(' Hz, then ')} Hz each ` +
      `(random phases); ${c.warmupMs} ms warm-up, ${c.measureMs} ms window, fresh server per sample, ${c.rounds} ` +
      'interleaved round(s). Latency: a collaborator sets its cursor → the last of the other collaborators has seen ' +
      'it (or a later state: awareness states replace each other). Clients are lightweight (raw `ws`, Hocuspocus ' +
      'framing, no provider, no echo) in one process separate from the server, so both times come from one ' +
      'monotonic clock. Easel: `/v1/presence`, a ticket per connection, read-only document, every update checked ' +
      '(schema, ticket actor, ≈ 30 Hz per connection) and awareness broadcast coalesced per event-loop turn. Plain ' +
      'Hocuspocus 3.4: no authentication, no checks, one encoding and one send per update per connection. A server ' +
      'under 99 % "seen by every other collaborator" did not keep up: its latency is queueing.',
    [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n'),
  ];
  if (result.failures.length > 0)
    out.push(`Failed samples: ${result.failures.map((f) => f.split('\n')[0]).join('; ')}`);
  return out.join('\n\n');
}
