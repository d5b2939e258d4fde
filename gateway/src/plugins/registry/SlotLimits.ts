import type { BackoffOptions } from './backoffDelay.ts';
import type { BreakerOptions } from './CircuitBreaker.ts';
import type { StandbyOptions } from './StandbyOptions.ts';

/** Resolved limits of every plugin slot (see `PluginHostLimits` for the documented options). */
export interface SlotLimits {
  readonly idleMs: number;
  readonly startTimeoutMs: number;
  readonly rssHeadroomMb: number;
  readonly rssPollMs: number;
  readonly abortGraceMs: number;
  readonly stopGraceMs: number;
  readonly minHeapMb: number;
  readonly maxMessageBytes: number;
  readonly backoff: BackoffOptions;
  readonly breaker: BreakerOptions;
  readonly standby: StandbyOptions;
}
