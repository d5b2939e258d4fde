import type { PluginProcess } from '../sandbox/PluginProcess.ts';

/** A process a call may use (`probe`: the call is the circuit breaker's probe), or why there is none. */
export type Lease =
  | { ok: true; proc: PluginProcess; probe: boolean }
  | { ok: false; kind: 'unavailable' | 'aborted' | 'crashed'; message: string };
