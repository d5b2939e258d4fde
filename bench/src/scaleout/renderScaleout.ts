import { fmt } from '../lib/format.ts';
import { spread } from '../lib/stats.ts';
import { type ScaleoutResult, TOPOLOGIES, TOPOLOGY_LABELS } from './ScaleoutResult.ts';
import { scaleoutRatios } from './scaleoutRatios.ts';
import { markdownTable, spreadCell } from '../lib/markdownTable.ts';

const pct = (share: number): string => (Number.isFinite(share) ? `${Math.round(share * 100)}%` : 'n/a');

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** The `latest.md` section of the scale-out bench: one node vs two nodes, the ratio, CPU, and the rate steps. */
export function renderScaleout(result: ScaleoutResult): string {
  const ratios = new Map(scaleoutRatios(result).map((r) => [r.id, r.value]));
  const ratioCell = (id: string): string => {
    const v = ratios.get(id);
    return v === null || v === undefined ? '—' : `${v.toFixed(2)}×`;
  };
  const f = result.config.fanout;
  const l = result.config.latency;
  const out: string[] = [];
  out.push('## Scale-out: two gateway nodes vs one, on PostgreSQL + Redis');
  out.push(
    'Each node is `easel serve --postgres <url> --redis <url> --pg-schema <throwaway>` (one fresh schema per ' +
      `cluster, dropped after; Redis prefix derived from it). Engines: ${result.engines.postgres}, ${result.engines.redis}. ` +
      'Writers post to node A; subscribers are split evenly over the nodes (two nodes: half on A, half on B). ' +
      'Latency is command issued → parsed by the last of the N subscribers (first subscriber: by the first). ' +
      `Deliveries/s: ${f.writers} closed-loop writers (separate process), frames parsed over ${f.measureMs} ms after ` +
      `${f.warmupMs} ms warm-up. Latency: N = ${l.subscribers}, writer and readers in one process, open loop at half ` +
      `the one-node peak (**${fmt(result.peakPerSec)} updates/s**): **${fmt(result.offeredPerSec)} updates/s**.`,
  );
  const kept = (topology: (typeof TOPOLOGIES)[number]): string => {
    const mine = result.latencySamples.filter((s) => s.topology === topology);
    return mine.length === 0 ? '—' : `${mine.filter((s) => s.keptUp).length}/${mine.length}`;
  };
  out.push(
    markdownTable(
      ['', ...TOPOLOGIES.map((t) => TOPOLOGY_LABELS[t]), 'two ÷ one'],
      [
        ...f.subscribers.map((n) => [
          `deliveries/s, N = ${n}`,
          ...TOPOLOGIES.map((t) => spreadCell(result.summary.fanout[t]?.[String(n)])),
          ratioCell(`scaleout.fanout.${n}`),
        ]),
        [
          'latency p50 ms',
          ...TOPOLOGIES.map((t) => spreadCell(result.summary.latency[t]?.p50, 2)),
          ratioCell('scaleout.latency.p50'),
        ],
        [
          'latency p99 ms',
          ...TOPOLOGIES.map((t) => spreadCell(result.summary.latency[t]?.p99, 2)),
          ratioCell('scaleout.latency.p99'),
        ],
        [
          'first subscriber p50 ms',
          ...TOPOLOGIES.map((t) =>
            spreadCell(spread(result.latencySamples.filter((s) => s.topology === t).map((s) => s.stats.firstP50)), 2),
          ),
          '',
        ],
        ['latency kept up', ...TOPOLOGIES.map(kept), ''],
      ],
    ),
  );
  out.push('CPU (share of one core, mean over rounds) — gateway node A + node B / reader process / writer process:');
  out.push(
    markdownTable(
      ['', ...TOPOLOGIES.map((t) => TOPOLOGY_LABELS[t])],
      [
        ...f.subscribers.map((n) => [
          `fan-out, N = ${n}`,
          ...TOPOLOGIES.map((t) => {
            const mine = result.fanoutSamples.filter((s) => s.topology === t && s.subscribers === n);
            if (mine.length === 0) return '—';
            const nodes = mine[0]!.nodeCpuShares.map((_, i) => pct(mean(mine.map((s) => s.nodeCpuShares[i] ?? 0))));
            return `${nodes.join(' + ')} / ${pct(mean(mine.map((s) => s.readerCpuShare)))} / ${pct(mean(mine.map((s) => s.writerCpuShare)))}`;
          }),
        ]),
        [
          `latency @ ${fmt(result.offeredPerSec)}/s`,
          ...TOPOLOGIES.map((t) => {
            const mine = result.latencySamples.filter((s) => s.topology === t);
            if (mine.length === 0) return '—';
            const nodes = mine[0]!.nodeCpuShares.map((_, i) => pct(mean(mine.map((s) => s.nodeCpuShares[i] ?? 0))));
            return `${nodes.join(' + ')} / ${pct(mean(mine.map((s) => s.clientCpuShare)))} (one client process)`;
          }),
        ],
      ],
    ),
  );
  if (result.steps.length > 0) {
    out.push('Rate steps (one node):');
    out.push(
      markdownTable(
        ['offered/s', 'achieved/s', 'p50 ms', 'p99 ms', 'node CPU', 'client CPU'],
        result.steps.map((s) => [
          fmt(s.offeredPerSec),
          fmt(s.achievedPerSec),
          s.p50.toFixed(2),
          s.p99.toFixed(2),
          pct(s.serverCpuShare),
          pct(s.clientCpuShare),
        ]),
      ),
    );
  }
  return out.join('\n\n');
}
