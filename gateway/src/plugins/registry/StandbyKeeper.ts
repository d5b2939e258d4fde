import type { PluginProcess, ProcessExit, StartOutcome } from '../sandbox/PluginProcess.ts';
import type { StandbyPool } from './StandbyPool.ts';

/** Where a plugin's standby is: none, spawn scheduled, starting (import + init), ready. */
export type StandbyState = 'none' | 'scheduled' | 'starting' | 'ready';

/** A standby handed over to serve: ready, or still starting (`start` settles when it is). */
export interface PromotedStandby {
  readonly proc: PluginProcess;
  readonly ready: boolean;
  readonly start: Promise<StartOutcome>;
}

/** What the keeper needs from its plugin slot. */
export interface StandbyKeeperDeps {
  readonly pool: StandbyPool;
  /** A new process of the plugin (not started), whose exit the slot routes to {@link StandbyKeeper.onExit}. */
  create(): PluginProcess;
  /** Asked again when a scheduled spawn is due (the plugin may have crashed or gone idle since). */
  stillWanted(): boolean;
  onReady(proc: PluginProcess, ms: number): void;
  /** The standby failed to start, or died on its own while waiting: `why` is `<phase or kind>: <message>`. */
  onFailed(why: string): void;
}

/**
 * The standby process of one plugin slot: schedules its spawn, holds it while it starts and waits,
 * hands it over on a crash ({@link take}) and stops it when it is no longer wanted. It takes a place
 * in the host-wide {@link StandbyPool} for as long as it exists. The slot decides when a standby is
 * wanted; the keeper only does what it is told, and never spawns more than one process at a time.
 */
export class StandbyKeeper {
  private proc: PluginProcess | null = null;
  private ready = false;
  private starting: Promise<StartOutcome> | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: StandbyKeeperDeps) {}

  get state(): StandbyState {
    if (this.proc) return this.ready ? 'ready' : 'starting';
    return this.timer === undefined ? 'none' : 'scheduled';
  }

  /** Whether `proc` is this keeper's standby (the slot routes its exit here). */
  owns(proc: PluginProcess): boolean {
    return this.proc === proc;
  }

  /** Spawns a standby after `delayMs` unless one exists or is scheduled, or the pool is full then. */
  schedule(delayMs: number): void {
    if (this.proc || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.proc && this.deps.stillWanted()) this.spawn();
    }, delayMs);
    this.timer.unref();
  }

  /** Hands the standby over (ready or starting; not one being killed), or null. */
  take(): PromotedStandby | null {
    const proc = this.proc;
    const start = this.starting;
    if (!proc || !start || (this.ready && !proc.usable)) return null;
    const promoted = { proc, ready: this.ready, start };
    this.drop();
    return promoted;
  }

  /** Cancels a scheduled spawn and stops the standby, if any. */
  cancel(graceMs: number, why: string): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const proc = this.proc;
    if (!proc) return Promise.resolve();
    this.drop();
    return proc.stop(graceMs, why);
  }

  /** The standby's process ended after it had become ready (the slot checked {@link owns}). */
  onExit(proc: PluginProcess, exit: ProcessExit): void {
    if (proc !== this.proc) return;
    this.drop();
    if (!exit.expected) this.deps.onFailed(`${exit.kind}: ${exit.message}`);
  }

  private spawn(): void {
    if (!this.deps.pool.tryTake()) return;
    const proc = this.deps.create();
    const startedAt = Date.now();
    this.proc = proc;
    this.ready = false;
    this.starting = proc.start().then((outcome) => {
      if (this.proc !== proc) return outcome;
      if (outcome.ok) {
        this.ready = true;
        this.deps.onReady(proc, Date.now() - startedAt);
      } else {
        this.drop();
        this.deps.onFailed(`${outcome.phase}: ${outcome.message}`);
      }
      return outcome;
    });
  }

  private drop(): void {
    if (!this.proc) return;
    this.proc = null;
    this.ready = false;
    this.starting = null;
    this.deps.pool.give();
  }
}
