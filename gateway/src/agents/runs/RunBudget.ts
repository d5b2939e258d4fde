import type { Budget } from '@easel/schemas';

/** Why a run was stopped before its verdict was reached. */
export type StopReason = 'tokens' | 'time_ms' | 'shutdown';

/**
 * A run's budget (contract §10) as it is spent: model tokens (summed usage, plus an estimate of
 * the round in progress so a runaway stream is cut short), wall-clock time (an abort when
 * `time_ms` runs out), and reflection rounds. {@link signal} aborts on the first stop (time,
 * tokens, shutdown); everything the run awaits listens to it.
 */
export class RunBudget {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt: number;
  /** Tokens of finished rounds (their reported usage). */
  private settled = 0;
  /** Estimated tokens of the round in progress. */
  private pending = 0;
  /** Reflection rounds used. */
  reflections = 0;
  /** The first reason the run was stopped, if it was. */
  stopped: StopReason | null = null;

  constructor(
    readonly limits: Budget,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
    this.timer = setTimeout(() => this.stop('time_ms'), limits.time_ms);
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Tokens used so far (finished rounds plus the estimate of the current one). */
  get tokens(): number {
    return this.settled + this.pending;
  }

  /** Tokens left before the budget is exceeded (at least 1 while the run may go on). */
  get tokensLeft(): number {
    return Math.max(1, this.limits.tokens - this.tokens);
  }

  /** Wall-clock ms since the run started. */
  get elapsedMs(): number {
    return Math.max(0, Math.round(this.now() - this.startedAt));
  }

  /** Counts tokens of the round in progress; stops the run once the budget is exceeded. */
  estimate(tokens: number): void {
    this.pending += Math.max(0, tokens);
    this.check();
  }

  /** Ends a round with its reported usage (replacing the estimate when given). */
  settleRound(usage: { input_tokens: number; output_tokens: number } | null): void {
    const reported = usage === null ? this.pending : Math.max(0, usage.input_tokens) + Math.max(0, usage.output_tokens);
    this.settled += Math.max(reported, 0);
    this.pending = 0;
    this.check();
  }

  /** Whether another reflection round is allowed; counts it when it is. */
  takeReflection(): boolean {
    if (this.reflections >= this.limits.reflection) return false;
    this.reflections += 1;
    return true;
  }

  /** Stops the run (first reason wins) and aborts everything listening to {@link signal}. */
  stop(reason: StopReason): void {
    if (this.stopped !== null) return;
    this.stopped = reason;
    clearTimeout(this.timer);
    this.controller.abort(new Error(`run stopped: ${reason}`));
  }

  /** Releases the timer once the run ended. */
  dispose(): void {
    clearTimeout(this.timer);
  }

  private check(): void {
    if (this.tokens > this.limits.tokens) this.stop('tokens');
  }
}
