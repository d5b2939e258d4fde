/** The clock and timers {@link LatestWins} uses (injected in tests). */
export interface LatestWinsClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_CLOCK: LatestWinsClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Coalesces a stream of values to at most one emission per `intervalMs`, latest value wins
 * (telemetry such as `progress`, contract §4). The first value goes out at once; values pushed
 * within the interval replace each other and the last one goes out when it ends.
 */
export class LatestWins<T> {
  private pending: { value: T } | null = null;
  private lastEmit = Number.NEGATIVE_INFINITY;
  private timer: unknown = null;
  private stopped = false;

  constructor(
    private readonly emit: (value: T) => void,
    private readonly intervalMs: number,
    private readonly clock: LatestWinsClock = REAL_CLOCK,
  ) {}

  push(value: T): void {
    if (this.stopped) return;
    const now = this.clock.now();
    if (this.timer === null && now - this.lastEmit >= this.intervalMs) {
      this.send(value, now);
      return;
    }
    this.pending = { value };
    if (this.timer === null) {
      this.timer = this.clock.setTimeout(() => this.due(), this.intervalMs - (now - this.lastEmit));
    }
  }

  /** Emits the pending value now, if any. */
  flush(): void {
    this.clearTimer();
    const pending = this.pending;
    this.pending = null;
    if (pending && !this.stopped) this.send(pending.value, this.clock.now());
  }

  /** Drops the pending value and stops emitting. */
  stop(): void {
    this.stopped = true;
    this.pending = null;
    this.clearTimer();
  }

  private due(): void {
    this.timer = null;
    const pending = this.pending;
    this.pending = null;
    if (pending && !this.stopped) this.send(pending.value, this.clock.now());
  }

  private send(value: T, now: number): void {
    this.lastEmit = now;
    try {
      this.emit(value);
    } catch {
      // a failing sink must not break the producer
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
