import { spread } from '../lib/stats.ts';
import type { Ratio } from '../report/BenchResults.ts';
import type { ScaleoutResult, Topology } from './ScaleoutResult.ts';

interface Paired {
  round: number;
  topology: Topology;
  value: number;
}

/** median(two nodes) ÷ median(one node), with the per-round pair range; no target (BENCHMARKS.md sets none). */
function twoOverOne(id: string, label: string, samples: Paired[], direction: Ratio['direction']): Ratio {
  const median = (t: Topology): number | null =>
    spread(samples.filter((s) => s.topology === t).map((s) => s.value))?.median ?? null;
  const one = median('oneNode');
  const two = median('twoNodes');
  const value = one !== null && two !== null && one !== 0 ? two / one : null;
  const pairs: number[] = [];
  for (const s of samples.filter((x) => x.topology === 'twoNodes')) {
    const base = samples.find((x) => x.topology === 'oneNode' && x.round === s.round);
    if (base && base.value !== 0 && Number.isFinite(base.value) && Number.isFinite(s.value))
      pairs.push(s.value / base.value);
  }
  return {
    id,
    label,
    value,
    pairRange: pairs.length >= 2 ? [Math.min(...pairs), Math.max(...pairs)] : null,
    direction,
    target: null,
    met: null,
  };
}

/**
 * The scale-out ratios, two nodes ÷ one node, both on PostgreSQL + Redis in the same run:
 * deliveries/s at saturation per subscriber count, and latency p50 / p99 at the fixed rate.
 */
export function scaleoutRatios(result: ScaleoutResult): Ratio[] {
  const out: Ratio[] = [];
  for (const n of result.config.fanout.subscribers) {
    const samples = result.fanoutSamples
      .filter((s) => s.subscribers === n)
      .map((s) => ({ round: s.round, topology: s.topology, value: s.deliveriesPerSec }));
    out.push(twoOverOne(`scaleout.fanout.${n}`, `scale-out deliveries/s, N=${n}: two nodes ÷ one node`, samples, '>='));
  }
  if (result.latencySamples.length > 0) {
    const rate = `${Math.round(result.offeredPerSec)} updates/s × ${result.config.latency.subscribers}`;
    for (const p of ['p50', 'p99'] as const) {
      const samples = result.latencySamples.map((s) => ({ round: s.round, topology: s.topology, value: s.stats[p] }));
      out.push(
        twoOverOne(`scaleout.latency.${p}`, `scale-out latency ${p} @ ${rate}: two nodes ÷ one node`, samples, '<='),
      );
    }
  }
  return out;
}
