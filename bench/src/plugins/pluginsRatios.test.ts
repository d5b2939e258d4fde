import { describe, expect, it } from 'vitest';
import { PLUGINS_QUICK, type PayloadOverhead, type PluginsResult } from './PluginsResult.ts';
import { pluginsRatios } from './pluginsRatios.ts';

function payload(key: string, overheads: Array<[number, number]>): PayloadOverhead {
  const summary = (p50: number, p99: number) => ({ p50, p99, max: p99 * 2, n: 1000 });
  const rounds = overheads.map(([p50, p99], round) => ({
    round,
    direct: summary(0.001, 0.01),
    sandboxed: summary(0.001 + p50, 0.01 + p99),
    overhead: { p50, p99 },
    rawIpc: null,
    rawFrames: null,
  }));
  const pooled = overheads[Math.floor(overheads.length / 2)]!;
  return {
    key,
    label: key,
    bytes: 100,
    direct: summary(0.001, 0.01),
    sandboxed: summary(0.001 + pooled[0], 0.01 + pooled[1]),
    overhead: { p50: pooled[0], p99: pooled[1] },
    rawIpc: null,
    hostOverRawIpc: null,
    rawFrames: null,
    hostOverRawFrames: null,
    rounds,
    failedCalls: 0,
  };
}

function result(overhead: PayloadOverhead[], crash: PluginsResult['crash']): PluginsResult {
  return { config: PLUGINS_QUICK, notes: [], overhead, crash, failures: [] };
}

describe('pluginsRatios', () => {
  it('checks overhead p50 ≤ 0.2 ms and p99 ≤ 5 ms per payload, with the per-round range', () => {
    const rows = pluginsRatios(
      result(
        [
          payload('trivial', [
            [0.08, 0.3],
            [0.1, 0.4],
            [0.09, 6],
          ]),
          payload('10kb', [
            [0.25, 1],
            [0.3, 2],
          ]),
        ],
        null,
      ),
    );
    expect(rows.map((r) => [r.id, r.value, r.target, r.met, r.unit])).toEqual([
      ['plugins.overhead.trivial.p50', 0.1, 0.2, true, 'ms'],
      ['plugins.overhead.trivial.p99', 0.4, 5, true, 'ms'],
      ['plugins.overhead.10kb.p50', 0.3, 0.2, false, 'ms'],
      ['plugins.overhead.10kb.p99', 2, 5, true, 'ms'],
    ]);
    expect(rows[0]?.pairRange).toEqual([0.08, 0.1]);
    expect(rows[1]?.pairRange).toEqual([0.3, 6]);
    expect(rows.every((r) => r.direction === '<=')).toBe(true);
  });

  it('checks crash → ready ≤ 0.6 s at p50, p99 and max; a crash that never recovered misses max', () => {
    const crash = (recovered: number, max: number): PluginsResult['crash'] => ({
      crashes: 20,
      recovered,
      readyMs: { p50: 180, p99: max, max, n: recovered },
      hostRecoveryMs: { p50: 170, p99: 300, max: 300, n: recovered },
      crashKinds: { crashed: 20 },
    });
    const ok = pluginsRatios(result([], crash(20, 350)));
    expect(ok.map((r) => [r.id, r.value, r.met, r.unit])).toEqual([
      ['plugins.crash_to_ready.p50', 0.18, true, 's'],
      ['plugins.crash_to_ready.p99', 0.35, true, 's'],
      ['plugins.crash_to_ready.max', 0.35, true, 's'],
    ]);
    const slow = pluginsRatios(result([], crash(20, 700)));
    expect(slow.map((r) => r.met)).toEqual([true, false, false]);
    const lost = pluginsRatios(result([], crash(19, 350)));
    expect(lost.map((r) => r.met)).toEqual([true, true, false]);
    expect(lost[2]?.note).toBe('1 of 20 crashes not ready within the deadline');
  });

  it('has no value (and no verdict) when nothing recovered', () => {
    const rows = pluginsRatios(
      result([], { crashes: 5, recovered: 0, readyMs: null, hostRecoveryMs: null, crashKinds: {} }),
    );
    expect(rows.map((r) => [r.value, r.met])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
  });
});
