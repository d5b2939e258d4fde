import type { BackoffOptions } from './registry/backoffDelay.ts';
import type { BreakerOptions } from './registry/CircuitBreaker.ts';
import type { SlotLimits } from './registry/SlotLimits.ts';
import { DEFAULT_STANDBY, type StandbyOptions } from './registry/StandbyOptions.ts';
import { DEFAULT_MAX_FRAME_BYTES, MAX_FRAME_LIMIT } from './sandbox/frames.mjs';

/** Tunables of the plugin host; every field is optional. */
export interface PluginHostLimits {
  /** A plugin's process is stopped after this long without calls, ms. Default 300 000 (5 min). */
  readonly idleMs?: number;
  /** How long importing the entry and `init(ctx)` may take before the start fails, ms. Default 10 000. */
  readonly startTimeoutMs?: number;
  /**
   * Resident memory allowed above the heap limit (`memory_mb`, the largest of the plugin's tools)
   * before the RSS watchdog kills the process, MiB: Node's own baseline (≈ 40 MiB) plus Buffers.
   * Default 128.
   */
  readonly rssHeadroomMb?: number;
  /** How often the RSS watchdog reads `/proc/<pid>/status`, ms. Default 100. */
  readonly rssPollMs?: number;
  /** How long an aborted call may keep running in the child before the process is killed, ms. Default 1000. */
  readonly abortGraceMs?: number;
  /** How long a stopping process (idle, close) may take to exit before SIGKILL, ms. Default 2000. */
  readonly stopGraceMs?: number;
  /** Smallest V8 heap given to a plugin whatever its `memory_mb` (Node cannot start on less), MiB. Default 32. */
  readonly minHeapMb?: number;
  /**
   * Largest message between the host and a plugin process either way, bytes of UTF-8 JSON (1 to
   * 4 GiB − 1). A larger input is refused (`invalid_input`), a larger result answered
   * `invalid_output`, a larger partial result throws in the plugin; a process that sends a larger
   * frame anyway is killed (`crashed`). Default 67 108 864 (64 MiB).
   */
  readonly maxMessageBytes?: number;
  /** Restart delays after a crash (jittered). Default `{baseMs: 100, maxMs: 10_000}`. */
  readonly backoff?: Partial<BackoffOptions>;
  /** The circuit breaker. Default `{crashes: 5, windowMs: 60_000, cooldownMs: 30_000, maxCooldownMs: 300_000}`. */
  readonly breaker?: Partial<BreakerOptions>;
  /**
   * Standby processes: a hot or recently crashed plugin keeps a second process with its imports and
   * `init` done, promoted at once when the serving one crashes. Counted against `maxProcesses` for
   * the whole host; none while the breaker is open or in a crash loop; stopped with the serving process
   * when idle. Default `{enabled: true, hotCalls: 20, windowMs: 60_000, delayMs: 1000, maxProcesses: 4}`.
   */
  readonly standby?: Partial<StandbyOptions>;
}

/** Fills in the defaults. */
export function resolveLimits(limits: PluginHostLimits = {}): SlotLimits {
  return {
    idleMs: limits.idleMs ?? 300_000,
    startTimeoutMs: limits.startTimeoutMs ?? 10_000,
    rssHeadroomMb: limits.rssHeadroomMb ?? 128,
    rssPollMs: limits.rssPollMs ?? 100,
    abortGraceMs: limits.abortGraceMs ?? 1000,
    stopGraceMs: limits.stopGraceMs ?? 2000,
    minHeapMb: limits.minHeapMb ?? 32,
    maxMessageBytes: messageLimit(limits.maxMessageBytes),
    backoff: { baseMs: 100, maxMs: 10_000, ...limits.backoff },
    breaker: { crashes: 5, windowMs: 60_000, cooldownMs: 30_000, maxCooldownMs: 300_000, ...limits.breaker },
    standby: { ...DEFAULT_STANDBY, ...limits.standby },
  };
}

/** `maxMessageBytes`, checked: a programmer error throws. */
function messageLimit(bytes: number | undefined): number {
  if (bytes === undefined) return DEFAULT_MAX_FRAME_BYTES;
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > MAX_FRAME_LIMIT) {
    throw new RangeError(`maxMessageBytes must be an integer in 1…${MAX_FRAME_LIMIT}, got ${bytes}`);
  }
  return bytes;
}
