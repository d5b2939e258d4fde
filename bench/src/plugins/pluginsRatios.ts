import type { Ratio } from '../report/BenchResults.ts';
import { PLUGIN_TARGETS, type PluginsResult } from './PluginsResult.ts';

function range(values: number[]): [number, number] | null {
  return values.length >= 2 ? [Math.min(...values), Math.max(...values)] : null;
}

function absolute(
  id: string,
  label: string,
  value: number | null,
  unit: string,
  target: number,
  pairRange: [number, number] | null,
  note?: string,
  forceMissed = false,
): Ratio {
  return {
    id,
    label,
    value,
    pairRange,
    direction: '<=',
    target,
    met: value === null ? null : !forceMissed && value <= target,
    unit,
    ...(note ? { note } : {}),
  };
}

/**
 * The plugin rows of the ratios table (absolute figures against the baseline of the same run, with
 * units): overhead = sandboxed − direct at p50 (≤ 0.2 ms) and p99 (≤ 5 ms) per payload, with the
 * per-round range; crash → ready p50, p99 and max (≤ 0.6 s); max is missed when a crash never recovered.
 */
export function pluginsRatios(result: PluginsResult): Ratio[] {
  const out: Ratio[] = [];
  for (const p of result.overhead) {
    const failed = p.failedCalls > 0 ? `${p.failedCalls} sandboxed calls failed` : undefined;
    for (const at of ['p50', 'p99'] as const) {
      out.push(
        absolute(
          `plugins.overhead.${p.key}.${at}`,
          `plugin call overhead ${at}, ${p.label} payload: sandboxed − direct, ms`,
          p.overhead[at],
          'ms',
          at === 'p50' ? PLUGIN_TARGETS.overheadP50Ms : PLUGIN_TARGETS.overheadP99Ms,
          range(p.rounds.map((r) => r.overhead[at])),
          failed,
        ),
      );
    }
  }
  const crash = result.crash;
  if (crash) {
    const lost = crash.crashes - crash.recovered;
    const note = lost > 0 ? `${lost} of ${crash.crashes} crashes not ready within the deadline` : undefined;
    for (const at of ['p50', 'p99', 'max'] as const) {
      const ms = crash.readyMs?.[at];
      out.push(
        absolute(
          `plugins.crash_to_ready.${at}`,
          `plugin crash → next call succeeds, ${at} of ${crash.crashes}, s`,
          ms === undefined ? null : ms / 1000,
          's',
          PLUGIN_TARGETS.crashToReadyS,
          null,
          note,
          at === 'max' && lost > 0,
        ),
      );
    }
  }
  return out;
}
