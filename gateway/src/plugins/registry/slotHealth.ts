import type { PluginHealth, PluginManifest } from '@easel/schemas';
import type { SlotPhase } from './SlotPhase.ts';

/** The contract §9 state of a slot in `phase`; `recovering` when it starts again after a failure. */
export function publicState(phase: SlotPhase, recovering: boolean): PluginHealth['state'] {
  if (phase === 'UNAVAILABLE') return 'UNAVAILABLE';
  if (phase === 'RUNNING') return 'RUNNING';
  if (phase === 'BACKOFF' || phase === 'FAILED' || (phase === 'STARTING' && recovering)) return 'FAILED';
  return 'LOADED';
}

/** What a slot's reason is made of. */
export interface SlotReasonInput {
  readonly phase: SlotPhase;
  /** Why the plugin is UNAVAILABLE. */
  readonly unavailableReason: string | null;
  /** The open circuit breaker, described (null when closed). */
  readonly breaker: string | null;
  /** The last crash or start failure (null once a process is ready again). */
  readonly failure: string | null;
  /** When the next restart or retry is due, ms since the epoch. */
  readonly retryAt: number | null;
}

/**
 * Why a plugin is not RUNNING (or what it recovers from), with the next retry: the actionable
 * `reason` of contract §9 health. Undefined when there is nothing to say.
 */
export function slotReason(s: SlotReasonInput, now: number): string | undefined {
  if (s.phase === 'UNAVAILABLE') return s.unavailableReason ?? 'unavailable';
  if (s.phase === 'STOPPED') return 'the plugin host is closed';
  if (s.breaker) return s.failure ? `${s.breaker}; last failure: ${s.failure}` : s.breaker;
  if (!s.failure || s.phase === 'RUNNING' || s.phase === 'LOADED') return undefined;
  if (s.phase === 'STARTING') return `${s.failure}; restarting now`;
  const wait = s.retryAt === null ? 0 : Math.max(0, s.retryAt - now);
  const at = s.retryAt === null ? '' : ` (at ${new Date(s.retryAt).toISOString()})`;
  if (s.phase === 'BACKOFF') return `${s.failure}; restarting in ${seconds(wait)} s${at}`;
  return wait > 0 ? `${s.failure}; next retry in ${seconds(wait)} s${at}` : `${s.failure}; the next call retries`;
}

/** What a slot's health is made of. */
export interface SlotHealthInput extends SlotReasonInput {
  readonly name: string;
  readonly manifest: PluginManifest | null;
  /** When the serving process became ready, ms since the epoch (null: none, or not ready). */
  readonly readyAt: number | null;
  readonly successCount: number;
  readonly errorCount: number;
}

/** Contract §9 health: the four public states, an actionable reason, counters, uptime. */
export function slotHealth(s: SlotHealthInput, now: number): PluginHealth {
  const reason = slotReason(s, now);
  return {
    name: s.name,
    state: publicState(s.phase, Boolean(s.failure)),
    ...(s.manifest ? { description: s.manifest.description, version: s.manifest.version } : {}),
    ...(reason ? { reason } : {}),
    ...(s.phase === 'RUNNING' && s.readyAt ? { uptime_seconds: Math.max(0, (now - s.readyAt) / 1000) } : {}),
    success_count: s.successCount,
    error_count: s.errorCount,
  };
}

function seconds(ms: number): string {
  return (Math.round(ms / 100) / 10).toFixed(1);
}
