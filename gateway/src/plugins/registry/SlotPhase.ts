/**
 * Internal lifecycle of a plugin. `publicState` (slotHealth.ts) maps it onto the four contract states: STARTING
 * is LOADED on a first start and FAILED when recovering; BACKOFF (crashed, restart scheduled) and
 * FAILED (start failed or breaker open) are FAILED; STOPPED (host closed) is LOADED.
 */
export const SLOT_PHASES = {
  LOADED: 'LOADED',
  STARTING: 'STARTING',
  RUNNING: 'RUNNING',
  BACKOFF: 'BACKOFF',
  FAILED: 'FAILED',
  UNAVAILABLE: 'UNAVAILABLE',
  STOPPED: 'STOPPED',
} as const;
export type SlotPhase = keyof typeof SLOT_PHASES;
