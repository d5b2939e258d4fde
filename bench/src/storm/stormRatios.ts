import type { Ratio } from '../report/BenchResults.ts';
import { STORM_TARGETS, type StormResult } from './StormResult.ts';

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
}

/**
 * The resume-storm rows of the ratios table (absolute figures): restarted gateway accepting →
 * every reader caught up, median over rounds (≤ 3 s; missed when a round never caught up), and
 * the events lost or delivered twice summed over every round and reader (target 0).
 */
export function stormRatios(result: StormResult): Ratio[] {
  if (result.rounds.length === 0) return [];
  const n = result.config.readers;
  const times = result.rounds.map((r) => r.caughtUpMs);
  const reached = times.filter((t): t is number => t !== null);
  const value = median(reached);
  const never = reached.length < times.length;
  const range: [number, number] | null = reached.length >= 2 ? [Math.min(...reached), Math.max(...reached)] : null;
  const lost = result.rounds.reduce((sum, r) => sum + r.gaps + r.duplicates + r.resets, 0);
  const incomplete = result.rounds.reduce((sum, r) => sum + (r.readers - r.complete), 0);
  return [
    {
      id: 'storm.caughtUp',
      label: `resume storm: ${n} subscribers, kill -9 + restart: accepting → all caught up, ms`,
      value,
      pairRange: range,
      direction: '<=',
      target: STORM_TARGETS.caughtUpMs,
      met: value === null ? false : !never && value <= STORM_TARGETS.caughtUpMs,
      unit: 'ms',
      ...(never ? { note: `${times.length - reached.length} round(s) never caught up` } : {}),
    },
    {
      id: 'storm.lost',
      label: `resume storm: events lost, duplicated or reset, over ${result.rounds.length} round(s) × ${n} subscribers`,
      value: lost,
      pairRange: null,
      direction: '<=',
      target: 0,
      met: lost === 0 && incomplete === 0,
      unit: 'events',
      ...(incomplete > 0 ? { note: `${incomplete} subscriber(s) never reached the last update` } : {}),
    },
  ];
}
