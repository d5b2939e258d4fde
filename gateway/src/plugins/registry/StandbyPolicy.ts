import type { StandbyOptions } from './StandbyOptions.ts';

/** A standby is promoted, and kept, only while the plugin crashed at most this often since its last successful call. */
export const STANDBY_MAX_CONSECUTIVE_CRASHES = 1;

/** What the policy needs to know about the plugin right now. */
export interface SlotCondition {
  /** RUNNING with a serving process. */
  readonly running: boolean;
  readonly breakerOpen: boolean;
  /** Crashes since the last successful call. */
  readonly consecutiveCrashes: number;
}

/**
 * When a plugin should keep a standby process (see `StandbyOptions`): it is hot (`hotCalls` calls
 * within `windowMs`) or crashed within `windowMs`; its breaker is closed; it did not crash twice
 * without a successful call in between; and its last standby did not fail recently (a failed standby
 * blocks standbys for `windowMs`, doubling per failure in a row, at most ten windows). Pure
 * bookkeeping with the clock passed in.
 */
export class StandbyPolicy {
  private windowStart = 0;
  private windowCalls = 0;
  private lastCrashAt: number | null = null;
  private failures = 0;
  private blockedUntil = 0;

  constructor(private readonly options: StandbyOptions) {}

  /** A call reached a process of the plugin. */
  noteCall(now: number): void {
    if (now - this.windowStart > this.options.windowMs) {
      this.windowStart = now;
      this.windowCalls = 0;
    }
    this.windowCalls++;
  }

  noteCrash(now: number): void {
    this.lastCrashAt = now;
  }

  noteStandbyReady(): void {
    this.failures = 0;
  }

  /** A standby failed: no standby for the returned number of ms. */
  noteStandbyFailed(now: number): number {
    this.failures++;
    const o = this.options;
    const block = Math.min(o.windowMs * 2 ** Math.min(this.failures - 1, 10), 10 * o.windowMs);
    this.blockedUntil = now + block;
    return block;
  }

  crashedRecently(now: number): boolean {
    return this.lastCrashAt !== null && now - this.lastCrashAt < this.options.windowMs;
  }

  /** Whether the plugin should have a standby now. */
  wants(now: number, slot: SlotCondition): boolean {
    const o = this.options;
    if (!o.enabled || !slot.running || slot.breakerOpen) return false;
    if (slot.consecutiveCrashes > STANDBY_MAX_CONSECUTIVE_CRASHES || now < this.blockedUntil) return false;
    const hot = this.windowCalls >= o.hotCalls && now - this.windowStart <= o.windowMs;
    return hot || this.crashedRecently(now);
  }
}
