import type { PluginSlot } from './PluginSlot.ts';
import type { StandbyPool } from './StandbyPool.ts';

/** Host-wide hooks of a slot. */
export interface SlotHooks {
  /** Called after any change of phase or reason. */
  onChange(slot: PluginSlot): void;
  log(level: 'info' | 'warn', data: Record<string, unknown>, message: string): void;
  readonly runAs?: { readonly uid: number; readonly gid: number };
  /** Plugin processes get a session and process group of their own (see `PluginProcessOptions.ownSession`). Default false. */
  readonly ownSession?: boolean;
  /** The host-wide budget of standby processes. Default: one of the slot's own (`limits.standby.maxProcesses`). */
  readonly standbyPool?: StandbyPool;
  readonly random?: () => number;
}
