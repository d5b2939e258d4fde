import { percentile } from '../lib/stats.ts';
import type { LatencyStats } from './protocol.ts';

interface Pending {
  sentAt: number;
  left: number;
  firstAt: number;
}

/** Most latency samples kept between resets (bounds memory on long runs). */
const MAX_SAMPLES = 500_000;
/** Updates older than this with readers still missing are dropped from the pending map. */
const PENDING_LIMIT = 200_000;

/**
 * Send-to-last-reader latency on one monotonic clock: the writer calls {@link sent} just before it
 * issues update `seq`, every reader calls {@link seen} when it parses it; once all `readers` have,
 * the span from send to that last parse is one sample.
 */
export class LatencyTracker {
  private readonly pending = new Map<number, Pending>();
  private samples: number[] = [];
  private firstSamples: number[] = [];

  constructor(private readonly readers: number) {}

  sent(seq: number, now: number): void {
    if (this.pending.size >= PENDING_LIMIT) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    this.pending.set(seq, { sentAt: now, left: this.readers, firstAt: 0 });
  }

  seen(seq: number, now: number): void {
    const entry = this.pending.get(seq);
    if (entry === undefined) return;
    if (entry.firstAt === 0) entry.firstAt = now;
    entry.left -= 1;
    if (entry.left > 0) return;
    this.pending.delete(seq);
    if (this.samples.length < MAX_SAMPLES) {
      this.samples.push(now - entry.sentAt);
      this.firstSamples.push(entry.firstAt - entry.sentAt);
    }
  }

  stats(reset: boolean): LatencyStats {
    const result: LatencyStats = {
      complete: this.samples.length,
      pending: this.pending.size,
      p50: percentile(this.samples, 50),
      p90: percentile(this.samples, 90),
      p99: percentile(this.samples, 99),
      max: percentile(this.samples, 100),
      firstP50: percentile(this.firstSamples, 50),
    };
    if (reset) {
      this.samples = [];
      this.firstSamples = [];
    }
    return result;
  }
}
