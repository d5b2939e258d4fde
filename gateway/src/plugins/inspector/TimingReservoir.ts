/** p50/p95/p99 of what a reservoir holds, plus how many samples were offered in all. */
export interface TimingPercentiles {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/**
 * A bounded uniform sample of call durations (Vitter's algorithm R): memory stays at `capacity`
 * numbers however many calls there were, and percentiles describe the whole history.
 */
export class TimingReservoir {
  private readonly samples: number[] = [];
  private seen = 0;

  constructor(
    private readonly capacity = 512,
    private readonly random: () => number = Math.random,
  ) {}

  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.seen++;
    if (this.samples.length < this.capacity) {
      this.samples.push(ms);
      return;
    }
    const slot = Math.floor(this.random() * this.seen);
    if (slot < this.capacity) this.samples[slot] = ms;
  }

  /** Nearest-rank percentiles, or null before the first sample. */
  percentiles(): TimingPercentiles | null {
    if (this.samples.length === 0) return null;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0);
    return { count: this.seen, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
