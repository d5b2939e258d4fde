import { browserRatios } from '../browser/browserRatios.ts';
import type { CpuSample } from '../cpu/cpuBench.ts';
import { spread } from '../lib/stats.ts';
import { agentsRatios } from '../agents/agentsRatios.ts';
import { pluginsRatios } from '../plugins/pluginsRatios.ts';
import { stormRatios } from '../storm/stormRatios.ts';
import { presenceRatios } from '../presence/presenceRatios.ts';
import { scaleoutRatios } from '../scaleout/scaleoutRatios.ts';
import type { ServerKind } from '../servers/targets.ts';
import type { BenchResults, Ratio } from './BenchResults.ts';

interface Paired {
  round: number;
  server: ServerKind;
  value: number;
}

function median(values: number[]): number | null {
  return spread(values)?.median ?? null;
}

function ratio(
  id: string,
  label: string,
  samples: Paired[],
  base: ServerKind,
  direction: Ratio['direction'],
  target: number | null,
  goal?: number,
  note?: string,
): Ratio {
  const easel = median(samples.filter((s) => s.server === 'easel').map((s) => s.value));
  const baseline = median(samples.filter((s) => s.server === base).map((s) => s.value));
  const value = easel !== null && baseline !== null && baseline !== 0 ? easel / baseline : null;
  const pairs: number[] = [];
  for (const s of samples.filter((x) => x.server === 'easel')) {
    const b = samples.find((x) => x.server === base && x.round === s.round);
    if (b && b.value !== 0 && Number.isFinite(b.value) && Number.isFinite(s.value)) pairs.push(s.value / b.value);
  }
  const pairRange: [number, number] | null = pairs.length >= 2 ? [Math.min(...pairs), Math.max(...pairs)] : null;
  const met = value === null || target === null ? null : direction === '>=' ? value >= target : value <= target;
  return {
    id,
    label,
    value,
    pairRange,
    direction,
    target,
    ...(goal === undefined ? {} : { goal }),
    met,
    ...(note ? { note } : {}),
  };
}

/** The headline ratios of BENCHMARKS.md from whatever sub-benchmarks ran. */
export function computeRatios(results: BenchResults): Ratio[] {
  const out: Ratio[] = [];
  if (results.fanout) {
    for (const n of results.fanout.config.subscribers) {
      const samples = results.fanout.samples
        .filter((s) => s.subscribers === n)
        .map((s) => ({ round: s.round, server: s.server, value: s.deliveriesPerSec }));
      out.push(ratio(`fanout.${n}.raw`, `deliveries/s, N=${n}: Easel ÷ raw SSE`, samples, 'raw', '>=', 0.7, 0.8));
      out.push(
        ratio(`fanout.${n}.hocuspocus`, `deliveries/s, N=${n}: Easel ÷ Hocuspocus`, samples, 'hocuspocus', '>=', 1.0),
      );
    }
  }
  if (results.latency) {
    const lat = results.latency;
    const rate = `${Math.round(lat.offeredPerSec)} updates/s × ${lat.config.subscribers}`;
    const p50 = lat.samples.map((s) => ({ round: s.round, server: s.server, value: s.stats.p50 }));
    const p99 = lat.samples.map((s) => ({ round: s.round, server: s.server, value: s.stats.p99 }));
    out.push(ratio('latency.p50.raw', `latency p50 @ ${rate}: Easel ÷ raw SSE`, p50, 'raw', '<=', 1.2));
    out.push(ratio('latency.p99.raw', `latency p99 @ ${rate}: Easel ÷ raw SSE`, p99, 'raw', '<=', 1.5));
    out.push(
      ratio('latency.p99.hocuspocus', `latency p99 @ ${rate}: Easel ÷ Hocuspocus`, p99, 'hocuspocus', '<=', null),
    );
    const easelP99 = median(lat.samples.filter((s) => s.server === 'easel').map((s) => s.stats.p99));
    out.push({
      id: 'latency.p99.absolute',
      label: `Easel latency p99 @ ${rate}, ms (absolute)`,
      value: easelP99,
      pairRange: null,
      direction: '<=',
      target: 50,
      met: easelP99 === null ? null : easelP99 <= 50,
    });
  }
  if (results.cpu) {
    const matchedNote = (rate: number, server: ServerKind): string | undefined => {
      const unmatched = results.cpu!.samples.filter(
        (s: CpuSample) => s.offeredPerSec === rate && (s.server === server || s.server === 'easel') && !s.matched,
      );
      return unmatched.length > 0
        ? `rate not matched by ${[...new Set(unmatched.map((s) => s.server))].join(', ')}: per-delivery CPU at the rate reached`
        : undefined;
    };
    for (const rate of results.cpu.config.rates) {
      const samples = results.cpu.samples
        .filter((s) => s.offeredPerSec === rate)
        .map((s) => ({ round: s.round, server: s.server, value: s.serverCpuUsPerDelivery }));
      const n = results.cpu.config.subscribers;
      out.push(
        ratio(
          `cpu.${rate}.hocuspocus`,
          `server CPU/delivery @ ${rate}/s × ${n}: Easel ÷ Hocuspocus`,
          samples,
          'hocuspocus',
          '<=',
          1.1,
          undefined,
          matchedNote(rate, 'hocuspocus'),
        ),
      );
      out.push(
        ratio(
          `cpu.${rate}.raw`,
          `server CPU/delivery @ ${rate}/s × ${n}: Easel ÷ raw SSE`,
          samples,
          'raw',
          '<=',
          null,
          undefined,
          matchedNote(rate, 'raw'),
        ),
      );
    }
  }
  if (results.memory) {
    const samples = results.memory.samples.map((s) => ({ round: s.round, server: s.server, value: s.kbPerSubscriber }));
    const n = results.memory.connections;
    out.push(ratio('memory.raw', `RSS per idle subscriber @ ${n}: Easel ÷ raw SSE`, samples, 'raw', '<=', 1.1));
    out.push(
      ratio(
        'memory.hocuspocus',
        `RSS per idle subscriber @ ${n}: Easel ÷ Hocuspocus`,
        samples,
        'hocuspocus',
        '<=',
        1.0,
      ),
    );
  }
  if (results.scaleout) out.push(...scaleoutRatios(results.scaleout));
  if (results.presence) out.push(...presenceRatios(results.presence));
  if (results.plugins) out.push(...pluginsRatios(results.plugins));
  if (results.agents) out.push(...agentsRatios(results.agents));
  if (results.storm) out.push(...stormRatios(results.storm));
  if (results.browser) out.push(...browserRatios(results.browser));
  if (results.appends) {
    for (const check of results.appends.checks) {
      out.push({
        id: `appends.${check.name}`,
        label: `appends: ${check.name}`,
        value: check.value,
        pairRange: null,
        direction: '>=',
        target: null,
        met: check.met,
        note: `target ${check.target}`,
      });
    }
  }
  return out;
}
