import { describe, expect, it } from 'vitest';
import type { FanoutResult, FanoutSample } from '../fanout/fanoutBench.ts';
import type { BenchResults } from './BenchResults.ts';
import { computeRatios } from './computeRatios.ts';
import { renderMarkdown } from './renderMarkdown.ts';
import { renderSvg } from './renderSvg.ts';

function sample(server: FanoutSample['server'], round: number, deliveriesPerSec: number): FanoutSample {
  return {
    server,
    subscribers: 100,
    round,
    deliveriesPerSec,
    updatesPerSec: deliveriesPerSec / 100,
    serverCpuShare: 1,
    readerCpuShare: 0.5,
    writerCpuShare: 0.2,
    serverCpuUsPerDelivery: 1,
    errors: 0,
    readersLost: 0,
  };
}

function results(): BenchResults {
  const samples = [
    sample('raw', 1, 1000),
    sample('hocuspocus', 1, 100),
    sample('easel', 1, 900),
    sample('raw', 2, 1000),
    sample('hocuspocus', 2, 100),
    sample('easel', 2, 600),
  ];
  const fanout: FanoutResult = {
    config: { subscribers: [100], writers: 64, warmupMs: 1, measureMs: 1 },
    samples,
    summary: {},
    failures: [],
  };
  return {
    version: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    quick: false,
    rounds: 2,
    environment: { node: 'v20', cpus: 2, cpuModel: 'test', loadAverageAtStart: [0, 0, 0], openFileLimit: 1024 },
    servers: ['raw', 'hocuspocus', 'easel'],
    skipped: [],
    fanout,
    ratios: [],
  };
}

describe('computeRatios', () => {
  it('divides medians, pairs rounds and checks targets', () => {
    const ratios = computeRatios(results());
    const raw = ratios.find((r) => r.id === 'fanout.100.raw')!;
    expect(raw.value).toBeCloseTo(0.75); // median(900, 600) / median(1000, 1000)
    expect(raw.pairRange).toEqual([0.6, 0.9]);
    expect(raw.met).toBe(true); // ≥ 0.7
    const hp = ratios.find((r) => r.id === 'fanout.100.hocuspocus')!;
    expect(hp.value).toBeCloseTo(7.5);
    expect(hp.met).toBe(true);
  });

  it('feeds a markdown table and a well-formed SVG', () => {
    const r = results();
    r.ratios = computeRatios(r);
    const md = renderMarkdown(r);
    expect(md).toContain('| deliveries/s, N=100: Easel ÷ raw SSE | 0.75× | 0.60–0.90 | >= 0.7 (goal 0.8) | ✅ |');
    const svg = renderSvg(r);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('0.75×');
  });
});
