import { describe, expect, it } from 'vitest';
import type { StormResult, StormRound } from './StormResult.ts';
import { stormRatios } from './stormRatios.ts';

function round(over: Partial<StormRound>): StormRound {
  return {
    round: 1,
    load: 1,
    readers: 1000,
    ackedAtKill: 40,
    restartMs: 1800,
    caughtUpMs: 2000,
    killToCaughtUpMs: 3800,
    allLiveMs: 2000,
    gaps: 0,
    duplicates: 0,
    resets: 0,
    reconnects: 1000,
    failedAttempts: 300,
    complete: 1000,
    lastAcked: 160,
    writerRetries: 50,
    ...over,
  };
}

function result(rounds: StormRound[]): StormResult {
  return {
    config: { readers: 1000, writerRate: 100, beforeKillMs: 1500, rounds: rounds.length, timeoutMs: 30000 },
    rounds,
    failures: [],
  };
}

describe('stormRatios: the resume-storm rows', () => {
  it('median caught-up time against 3 s; 0 lost events met', () => {
    const [caught, lost] = stormRatios(
      result([round({ caughtUpMs: 2500 }), round({ caughtUpMs: 1200 }), round({ caughtUpMs: 3400 })]),
    );
    expect(caught).toMatchObject({ value: 2500, pairRange: [1200, 3400], target: 3000, met: true, unit: 'ms' });
    expect(lost).toMatchObject({ value: 0, target: 0, met: true });
  });

  it('a round that never caught up, a gap, a duplicate or an incomplete subscriber is a miss', () => {
    const [caught] = stormRatios(result([round({ caughtUpMs: 1000 }), round({ caughtUpMs: null })]));
    expect(caught).toMatchObject({ value: 1000, met: false });
    expect(caught?.note).toMatch(/never caught up/);
    expect(stormRatios(result([round({ gaps: 2, duplicates: 1 })]))[1]).toMatchObject({ value: 3, met: false });
    const incomplete = stormRatios(result([round({ complete: 999 })]))[1];
    expect(incomplete).toMatchObject({ value: 0, met: false });
    expect(incomplete?.note).toMatch(/1 subscriber/);
  });

  it('no rounds (every round failed): no rows', () => {
    expect(stormRatios(result([]))).toEqual([]);
  });
});
