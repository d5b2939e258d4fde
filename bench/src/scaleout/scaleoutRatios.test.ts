import { describe, expect, it } from 'vitest';
import { QUICK_CONFIG } from '../lib/BenchConfig.ts';
import type { BenchResults } from '../report/BenchResults.ts';
import { computeRatios } from '../report/computeRatios.ts';
import { renderMarkdown } from '../report/renderMarkdown.ts';
import { renderSvg } from '../report/renderSvg.ts';
import { renderScaleout } from './renderScaleout.ts';
import type { ScaleoutFanoutSample, ScaleoutLatencySample, ScaleoutResult, Topology } from './ScaleoutResult.ts';
import { scaleoutRatios } from './scaleoutRatios.ts';
import { summarizeScaleout } from './summarizeScaleout.ts';

function fan(topology: Topology, round: number, subscribers: number, deliveriesPerSec: number): ScaleoutFanoutSample {
  const nodes = topology === 'oneNode' ? 1 : 2;
  return {
    topology,
    subscribers,
    subscribersPerNode: Array.from({ length: nodes }, () => subscribers / nodes),
    round,
    deliveriesPerSec,
    updatesPerSec: deliveriesPerSec / subscribers,
    nodeCpuShares: Array.from({ length: nodes }, () => 0.9),
    readerCpuShare: 0.5,
    writerCpuShare: 0.2,
    errors: 0,
    readersLost: 0,
  };
}

function lat(topology: Topology, round: number, p50: number, p99: number): ScaleoutLatencySample {
  const nodes = topology === 'oneNode' ? 1 : 2;
  return {
    topology,
    round,
    subscribersPerNode: Array.from({ length: nodes }, () => 100 / nodes),
    offeredPerSec: 500,
    achievedPerSec: 500,
    keptUp: true,
    stats: { complete: 1000, pending: 0, p50, p90: p99, p99, max: p99, firstP50: p50 / 2 },
    nodeCpuShares: Array.from({ length: nodes }, () => 0.3),
    clientCpuShare: 0.4,
    errors: 0,
  };
}

function result(): ScaleoutResult {
  const fanoutSamples = [
    fan('oneNode', 1, 100, 40_000),
    fan('twoNodes', 1, 100, 30_000),
    fan('oneNode', 2, 100, 50_000),
    fan('twoNodes', 2, 100, 45_000),
    fan('oneNode', 1, 1000, 100_000),
    fan('twoNodes', 1, 1000, 120_000),
  ];
  const latencySamples = [
    lat('oneNode', 1, 4, 10),
    lat('twoNodes', 1, 6, 30),
    lat('oneNode', 2, 6, 20),
    lat('twoNodes', 2, 6, 30),
  ];
  const config = { fanout: { ...QUICK_CONFIG.fanout, subscribers: [100, 1000] }, latency: QUICK_CONFIG.latency };
  return {
    config,
    engines: { postgres: 'postgres://postgres@127.0.0.1:5432/test', redis: 'redis://127.0.0.1:6379' },
    steps: [
      {
        offeredPerSec: 500,
        achievedPerSec: 500,
        keptUp: true,
        p50: 3,
        p99: 9,
        serverCpuShare: 0.3,
        clientCpuShare: 0.2,
      },
      {
        offeredPerSec: 1000,
        achievedPerSec: 700,
        keptUp: false,
        p50: 90,
        p99: 400,
        serverCpuShare: 1,
        clientCpuShare: 0.4,
      },
    ],
    peakPerSec: 700,
    offeredPerSec: 350,
    fanoutSamples,
    latencySamples,
    summary: summarizeScaleout(config.fanout.subscribers, fanoutSamples, latencySamples),
    failures: ['scaleout fanout r2 N=1000 1 node: boom\nmore'],
  };
}

describe('scale-out ratios (issue 3 benchmark: two nodes ÷ one node)', () => {
  it('divides medians over rounds and pairs each round', () => {
    const ratios = scaleoutRatios(result());
    const f100 = ratios.find((r) => r.id === 'scaleout.fanout.100')!;
    expect(f100.value).toBeCloseTo(37_500 / 45_000); // median(30k, 45k) ÷ median(40k, 50k)
    expect(f100.pairRange).toEqual([0.75, 0.9]);
    expect(f100.direction).toBe('>=');
    const f1000 = ratios.find((r) => r.id === 'scaleout.fanout.1000')!;
    expect(f1000.value).toBeCloseTo(1.2);
    expect(f1000.pairRange).toBeNull(); // one round only
    const p50 = ratios.find((r) => r.id === 'scaleout.latency.p50')!;
    expect(p50.value).toBeCloseTo(6 / 5);
    expect(p50.pairRange).toEqual([1, 1.5]);
    const p99 = ratios.find((r) => r.id === 'scaleout.latency.p99')!;
    expect(p99.value).toBeCloseTo(2);
    expect(p99.label).toContain('350 updates/s × 100');
  });

  it('has no target: met is null, the table shows "—"', () => {
    for (const r of scaleoutRatios(result())) {
      expect(r.target).toBeNull();
      expect(r.met).toBeNull();
    }
  });

  it('is null when a topology is missing, and leaves latency out when none was measured', () => {
    const partial = {
      ...result(),
      latencySamples: [],
      fanoutSamples: result().fanoutSamples.filter((s) => s.topology === 'oneNode'),
    };
    const ratios = scaleoutRatios(partial);
    expect(ratios.map((r) => r.id)).toEqual(['scaleout.fanout.100', 'scaleout.fanout.1000']);
    expect(ratios.every((r) => r.value === null)).toBe(true);
  });

  it('summarizes per topology and N', () => {
    const s = result().summary;
    expect(s.fanout.oneNode['100']).toEqual({ median: 45_000, min: 40_000, max: 50_000, n: 2 });
    expect(s.fanout.twoNodes['1000']).toEqual({ median: 120_000, min: 120_000, max: 120_000, n: 1 });
    expect(s.latency.twoNodes.p99).toEqual({ median: 30, min: 30, max: 30, n: 2 });
  });
});

describe('scale-out in the report', () => {
  const bench: BenchResults = {
    version: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    quick: true,
    rounds: 2,
    environment: { node: 'v20', cpus: 2, cpuModel: 'test', loadAverageAtStart: [0, 0, 0], openFileLimit: 1024 },
    servers: ['easel'],
    skipped: [],
    scaleout: result(),
    ratios: [],
  };

  it('adds the ratios to computeRatios, the ratio table, the section and the failures', () => {
    bench.ratios = computeRatios(bench);
    expect(bench.ratios.map((r) => r.id)).toEqual([
      'scaleout.fanout.100',
      'scaleout.fanout.1000',
      'scaleout.latency.p50',
      'scaleout.latency.p99',
    ]);
    const md = renderMarkdown(bench);
    expect(md).toContain('| scale-out deliveries/s, N=100: two nodes ÷ one node | 0.83× | 0.75–0.90 | — |  |  |');
    expect(md).toContain('## Scale-out: two gateway nodes vs one');
    expect(md).toContain('- scaleout fanout r2 N=1000 1 node: boom');
    expect(md).not.toContain('boom\nmore');
    const svg = renderSvg(bench);
    expect(svg).toContain('scale-out latency p99');
  });

  it('renders one node vs two nodes with the ratio column, CPU per node and the steps', () => {
    const section = renderScaleout(result());
    expect(section).toContain('| deliveries/s, N = 100 | **45.0k** (40.0k–50.0k) | **37.5k** (30.0k–45.0k) | 0.83× |');
    expect(section).toContain('| latency p99 ms | **15.00** (10.00–20.00) | **30.00** (30.00–30.00) | 2.00× |');
    expect(section).toContain('| first subscriber p50 ms | **2.50** (2.00–3.00) | **3.00** (3.00–3.00) |  |');
    expect(section).toContain('90% + 90% / 50% / 20%');
    expect(section).toContain('**700 updates/s**');
    expect(section).toContain('| 1.0k | 700 | 90.00 | 400.00 | 100% | 40% |');
  });
});
