/**
 * Named reconnect tiers. The n-th consecutive failure waits a full-jitter delay drawn from
 * `[floor, ceiling]`, where `ceiling = max(tier n, server retry)` capped at the last tier and
 * `floor = min(server retry, cap)` (0 when the server sent no `retry:`). So without a hint
 * it is classic full jitter `[0, tier]`; with one the client never comes back sooner than the
 * server asked, and the tiers grow above it.
 */
export const BACKOFF_TIERS = [
  { name: 'immediate', ms: 250 },
  { name: 'quick', ms: 1_000 },
  { name: 'patient', ms: 2_000 },
  { name: 'slow', ms: 5_000 },
  { name: 'cap', ms: 10_000 },
] as const;

export type BackoffTierName = (typeof BACKOFF_TIERS)[number]['name'];

export interface BackoffTier {
  readonly name: string;
  readonly ms: number;
}

export interface BackoffDelay {
  readonly tier: string;
  readonly ms: number;
  /** Inclusive lower and upper bound the delay was drawn from. */
  readonly floor: number;
  readonly ceiling: number;
}

/**
 * The delay before attempt number `failures` (1 = after the first failure).
 * `random` is uniform in [0, 1).
 */
export function backoffDelay(
  failures: number,
  random: () => number,
  serverRetryMs: number | null = null,
  tiers: readonly BackoffTier[] = BACKOFF_TIERS,
): BackoffDelay {
  if (tiers.length === 0) throw new Error('backoffDelay: at least one tier is required');
  const index = Math.min(Math.max(failures, 1), tiers.length) - 1;
  const tier = tiers[index]!;
  const cap = tiers[tiers.length - 1]!.ms;
  // (`Number.isFinite` is false for null.)
  const hint = Number.isFinite(serverRetryMs) && serverRetryMs! > 0 ? serverRetryMs! : 0;
  const floor = Math.min(hint, cap);
  const ceiling = Math.min(Math.max(tier.ms, hint), cap);
  const r = Math.min(Math.max(random(), 0), 1);
  return { tier: tier.name, ms: Math.round(floor + r * (ceiling - floor)), floor, ceiling };
}
