import type { LatencySummary, Overhead } from './PluginsResult.ts';

/** The p-th percentile (0–100) of ascending `sorted` by nearest rank. */
function nearestRank(sorted: readonly number[], p: number): number {
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** p50, p99 (nearest rank) and max of the finite `values`; null when there are none. */
export function summarizeLatencies(values: readonly number[]): LatencySummary | null {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return {
    p50: nearestRank(sorted, 50),
    p99: nearestRank(sorted, 99),
    max: sorted[sorted.length - 1]!,
    n: sorted.length,
  };
}

/** What the sandbox adds: sandboxed − direct at p50 and at p99. */
export function overheadOf(direct: LatencySummary, sandboxed: LatencySummary): Overhead {
  return { p50: sandboxed.p50 - direct.p50, p99: sandboxed.p99 - direct.p99 };
}
