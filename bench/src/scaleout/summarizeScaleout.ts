import { spread } from '../lib/stats.ts';
import {
  type ScaleoutFanoutSample,
  type ScaleoutLatencySample,
  type ScaleoutResult,
  TOPOLOGIES,
} from './ScaleoutResult.ts';

/** Median, min and max over rounds of deliveries/s (per topology and N) and of latency p50 / p99 (per topology). */
export function summarizeScaleout(
  subscribers: readonly number[],
  fanoutSamples: readonly ScaleoutFanoutSample[],
  latencySamples: readonly ScaleoutLatencySample[],
): ScaleoutResult['summary'] {
  const fanout = {} as ScaleoutResult['summary']['fanout'];
  const latency = {} as ScaleoutResult['summary']['latency'];
  for (const topology of TOPOLOGIES) {
    const perN: Record<string, ReturnType<typeof spread>> = {};
    for (const n of subscribers) {
      perN[String(n)] = spread(
        fanoutSamples.filter((s) => s.topology === topology && s.subscribers === n).map((s) => s.deliveriesPerSec),
      );
    }
    fanout[topology] = perN;
    const mine = latencySamples.filter((s) => s.topology === topology);
    latency[topology] = { p50: spread(mine.map((s) => s.stats.p50)), p99: spread(mine.map((s) => s.stats.p99)) };
  }
  return { fanout, latency };
}

/** Total CPU of all gateway processes of a sample (share of one core). */
export function totalNodeCpu(sample: { nodeCpuShares: readonly number[] }): number {
  return sample.nodeCpuShares.reduce((a, b) => a + b, 0);
}
