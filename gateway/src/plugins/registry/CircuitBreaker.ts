/** When the breaker opens and how long it stays open. */
export interface BreakerOptions {
  /** Crashes within `windowMs` that open the breaker. Default 5. */
  readonly crashes: number;
  /** The sliding window, ms. Default 60 000. */
  readonly windowMs: number;
  /** How long it stays open before a probe call may go through, ms; doubles on each failed probe. Default 30 000. */
  readonly cooldownMs: number;
  /** Cap of the doubled cooldown, ms. Default 300 000. */
  readonly maxCooldownMs: number;
}

/** Admission of one call: through (as the half-open probe or not), or refused with a message. */
export type BreakerGate = { ok: true; probe: boolean } | { ok: false; message: string };

type BreakerState = 'closed' | 'open' | 'half_open' | 'probing';

/**
 * A per-plugin circuit breaker over crashes (not over tool errors): after `crashes` crashes in
 * `windowMs` it opens; once the cooldown passed, exactly one probe call goes through; its success
 * closes the breaker, its crash opens it again for twice as long.
 */
export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private crashTimes: number[] = [];
  private openUntil = 0;
  private opens = 0;
  private why = '';

  constructor(
    private readonly options: BreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash; true when the breaker is (now) open. */
  recordCrash(): boolean {
    const now = this.now();
    if (this.state === 'probing' || this.state === 'half_open') {
      this.open(now, 'circuit open again after the probe call crashed');
      return true;
    }
    if (this.state === 'open') return true;
    this.crashTimes = this.crashTimes.filter((at) => now - at < this.options.windowMs);
    this.crashTimes.push(now);
    if (this.crashTimes.length < this.options.crashes) return false;
    const seconds = Math.round(this.options.windowMs / 1000);
    this.open(now, `circuit open after ${this.crashTimes.length} crashes in ${seconds} s`);
    return true;
  }

  /** Whether a call may go through now; a `probe` admission must end in `probeSucceeded`, `cancelProbe` or a crash. */
  admit(): BreakerGate {
    const now = this.now();
    if (this.state === 'open') {
      if (now < this.openUntil) return { ok: false, message: this.describe() ?? this.why };
      this.state = 'half_open';
    }
    if (this.state === 'half_open') {
      this.state = 'probing';
      return { ok: true, probe: true };
    }
    if (this.state === 'probing') {
      return { ok: false, message: 'circuit half-open: a probe call is running; try again in a moment' };
    }
    return { ok: true, probe: false };
  }

  /** The probe call did not crash: close. */
  probeSucceeded(): void {
    if (this.state !== 'probing') return;
    this.state = 'closed';
    this.crashTimes = [];
    this.opens = 0;
  }

  /** The probe call told nothing (aborted, not sent): let the next call probe. */
  cancelProbe(): void {
    if (this.state === 'probing') this.state = 'half_open';
  }

  /** Whether calls are refused or probing (the plugin then shows FAILED). */
  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  /** `circuit open after 5 crashes in 60 s; next probe in 12 s`, or null when closed. */
  describe(): string | null {
    if (this.state === 'closed') return null;
    if (this.state === 'open') {
      const seconds = Math.max(0, Math.ceil((this.openUntil - this.now()) / 1000));
      return seconds > 0 ? `${this.why}; next probe in ${seconds} s` : `${this.why}; the next call probes it`;
    }
    return `${this.why}; ${this.state === 'probing' ? 'a probe call is running' : 'the next call probes it'}`;
  }

  private open(now: number, why: string): void {
    this.opens++;
    const cooldown = Math.min(this.options.maxCooldownMs, this.options.cooldownMs * 2 ** (this.opens - 1));
    this.state = 'open';
    this.openUntil = now + cooldown;
    this.why = why;
    this.crashTimes = [];
  }
}
