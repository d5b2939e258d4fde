import type { InspectorService } from '../inspector/inspector_service.ts';
import type { PluginProcess, ProcessExit } from '../sandbox/PluginProcess.ts';
import type { SlotHooks } from './SlotHooks.ts';
import type { SlotLimits } from './SlotLimits.ts';
import { type PromotedStandby, StandbyKeeper, type StandbyState } from './StandbyKeeper.ts';
import { type SlotCondition, StandbyPolicy } from './StandbyPolicy.ts';
import { StandbyPool } from './StandbyPool.ts';

/** What {@link SlotStandby} needs from its slot. */
export interface SlotStandbyDeps {
  readonly name: string;
  readonly limits: SlotLimits;
  readonly hooks: SlotHooks;
  /** Records a failed standby. */
  readonly inspector: InspectorService;
  /** A new process of the next generation (not started). */
  create(): PluginProcess;
  /** The slot right now (serving, breaker, crashes since the last successful call). */
  condition(): SlotCondition;
  /** The jittered restart backoff after the slot's last crash, ms. */
  crashDelay(): number;
}

/**
 * The standby of one plugin slot: the {@link StandbyPolicy} deciding when one is wanted and the
 * {@link StandbyKeeper} holding it. After a crash the spawn waits for the restart backoff, else
 * `limits.standby.delayMs`; a failed standby is logged, recorded and blocks standbys for a while.
 */
export class SlotStandby {
  private readonly policy: StandbyPolicy;
  private readonly keeper: StandbyKeeper;

  constructor(private readonly deps: SlotStandbyDeps) {
    const { limits, hooks } = deps;
    this.policy = new StandbyPolicy(limits.standby);
    this.keeper = new StandbyKeeper({
      pool: hooks.standbyPool ?? new StandbyPool(limits.standby.maxProcesses),
      create: () => deps.create(),
      stillWanted: () => this.wanted(Date.now()),
      onReady: (proc, ms) => {
        this.policy.noteStandbyReady();
        hooks.log('info', { plugin: deps.name, generation: proc.generation, ms }, 'plugin standby process ready');
      },
      onFailed: (why) => this.onFailed(why),
    });
  }

  get state(): StandbyState {
    return this.keeper.state;
  }

  owns(proc: PluginProcess): boolean {
    return this.keeper.owns(proc);
  }

  onExit(proc: PluginProcess, exit: ProcessExit): void {
    this.keeper.onExit(proc, exit);
  }

  /** Hands the standby over to serve (null when there is none). */
  take(): PromotedStandby | null {
    return this.keeper.take();
  }

  cancel(graceMs: number, why: string): Promise<void> {
    return this.keeper.cancel(graceMs, why);
  }

  /** A call reached a process of the plugin (it may be hot now). */
  noteCall(now: number): void {
    this.policy.noteCall(now);
  }

  noteCrash(now: number): void {
    this.policy.noteCrash(now);
  }

  /** Schedules a standby when one is wanted: after the restart backoff following a crash, else `delayMs`. */
  keepIfWanted(now: number): void {
    if (this.keeper.state !== 'none' || !this.wanted(now)) return;
    this.keeper.schedule(this.policy.crashedRecently(now) ? this.deps.crashDelay() : this.deps.limits.standby.delayMs);
  }

  /** Whether a standby is wanted now (see `StandbyPolicy`). */
  private wanted(now: number): boolean {
    return this.policy.wants(now, this.deps.condition());
  }

  /** A standby failed to start or died while waiting: no standby for a while; the serving process is untouched. */
  private onFailed(why: string): void {
    const block = this.policy.noteStandbyFailed(Date.now());
    const failure = `standby process: ${why}`;
    // A standby has run no call: nothing in its failure came from a tenant.
    this.deps.inspector.recordError(failure, undefined, 'host');
    this.deps.hooks.log(
      'warn',
      { plugin: this.deps.name, failure, noStandbyForMs: block },
      'plugin standby process failed',
    );
  }
}
