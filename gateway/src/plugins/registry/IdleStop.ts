/** What the idle check found: the process was stopped or is gone (`done`), or a call still runs (`busy`). */
export type IdleCheck = 'done' | 'busy';

/**
 * Stops a plugin's process `idleMs` after its last use with one pending timer, not one timer per
 * call: `used` notes the time (and arms the timer if none is pending); when the timer fires early
 * (a use since) it re-arms for the rest; when due it asks `check`, which stops the process or
 * answers `busy` (a call in flight: check again `idleMs` later).
 */
export class IdleStop {
  private timer: NodeJS.Timeout | undefined;
  private lastUsedAt = 0;

  constructor(
    private readonly idleMs: number,
    private readonly check: () => IdleCheck,
  ) {}

  /** Notes a use at `now`; `arm`: make sure a check is pending (the plugin has a serving process). */
  used(now: number, arm: boolean): void {
    this.lastUsedAt = now;
    if (arm && this.timer === undefined) this.schedule(this.idleMs);
  }

  /** Drops the pending check. */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.fire(), Math.max(1, ms));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    const left = this.lastUsedAt + this.idleMs - Date.now();
    if (left > 0) {
      this.schedule(left);
      return;
    }
    if (this.check() === 'busy') this.schedule(this.idleMs);
  }
}
