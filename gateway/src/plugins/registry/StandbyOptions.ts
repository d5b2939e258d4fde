/**
 * When a plugin keeps a standby process: a second process of the plugin, spawned in the background
 * with its imports and `init` done, that takes over at once when the serving process crashes (crash
 * → ready without a process start). Only plugins that are hot or crashed recently get one; never a
 * plugin whose breaker is open or that crashed again before a call succeeded (a crash loop gets the
 * restart backoff, not a spare process).
 */
export interface StandbyOptions {
  /** Keep standby processes at all. Default true. */
  readonly enabled: boolean;
  /** Calls within `windowMs` that make a plugin hot (it then gets a standby). Default 20. */
  readonly hotCalls: number;
  /** The window of `hotCalls`; a plugin that crashed within it gets a standby too, ms. Default 60 000. */
  readonly windowMs: number;
  /** How long after a hot plugin's process became ready its standby is spawned, ms (after a crash: the restart backoff). Default 1000. */
  readonly delayMs: number;
  /** Most standby processes of the whole host at once. Default 4. */
  readonly maxProcesses: number;
}

export const DEFAULT_STANDBY: StandbyOptions = {
  enabled: true,
  hotCalls: 20,
  windowMs: 60_000,
  delayMs: 1000,
  maxProcesses: 4,
};
