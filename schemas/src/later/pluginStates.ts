import { z } from 'zod';

/**
 * Plugin health states (contract §9): `FAILED` is transient (crashed while running);
 * `UNAVAILABLE` cannot load (missing dependency, absent GPU) and `reason` says how to fix it.
 */
export const PLUGIN_STATES = {
  LOADED: 'LOADED',
  RUNNING: 'RUNNING',
  FAILED: 'FAILED',
  UNAVAILABLE: 'UNAVAILABLE',
} as const;

export type PluginState = keyof typeof PLUGIN_STATES;

export const pluginStateSchema = z.enum(['LOADED', 'RUNNING', 'FAILED', 'UNAVAILABLE'], {
  error: 'must be one of LOADED, RUNNING, FAILED, UNAVAILABLE',
});
