/** Exponential backoff bounds. */
export interface BackoffOptions {
  /** Delay before the first restart, ms (before jitter). Default 100. */
  readonly baseMs: number;
  /** Largest delay, ms. Default 10 000. */
  readonly maxMs: number;
}

/**
 * The delay before restart number `attempt` (1-based): `min(max, base · 2^(attempt−1))`, with
 * "equal jitter" (between half and all of it) so plugins that crashed together do not restart in
 * lockstep.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const full = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.round(full / 2 + random() * (full / 2));
}
