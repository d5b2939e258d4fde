import type { PluginManifest } from '@easel/schemas';
import type { InspectorService } from '../inspector/inspector_service.ts';
import { missingPackagesReason } from '../loading/loadPluginFolder.ts';
import type { PluginProcess, ProcessExit, StartOutcome } from '../sandbox/PluginProcess.ts';
import { backoffDelay } from './backoffDelay.ts';
import type { CircuitBreaker } from './CircuitBreaker.ts';
import { createSlotProcess } from './createSlotProcess.ts';
import { type DelayedRestart, delayedRestart } from './delayedRestart.ts';
import { type IdleCheck, IdleStop } from './IdleStop.ts';
import type { SlotHooks } from './SlotHooks.ts';
import type { SlotLimits } from './SlotLimits.ts';
import type { SlotPhase } from './SlotPhase.ts';
import { SlotStandby } from './SlotStandby.ts';
import type { PromotedStandby, StandbyState } from './StandbyKeeper.ts';
import { STANDBY_MAX_CONSECUTIVE_CRASHES } from './StandbyPolicy.ts';

/** What {@link SlotLifecycle} needs from its slot. */
export interface SlotLifecycleOptions {
  readonly name: string;
  readonly dir: string;
  readonly manifest: PluginManifest | null;
  /** The plugin's entry file; null when its folder did not load (the slot starts UNAVAILABLE). */
  readonly entryPath: string | null;
  /** Why the folder did not load, else null. */
  readonly unavailableReason: string | null;
  readonly limits: SlotLimits;
  readonly hooks: SlotHooks;
  /** The slot's breaker: crashes are recorded on it; while it is open nothing restarts. */
  readonly breaker: CircuitBreaker;
  readonly inspector: InspectorService;
  /** After every change of phase or reason (`SlotHooks.onChange` with the slot). */
  readonly changed: () => void;
}

/**
 * The process state machine of one plugin slot: single-flight starts, a generation per process,
 * jittered restarts after crashes (BACKOFF), FAILED starts, idle stop, and the standby process
 * promoted on a crash. Processes of older generations can no longer change it. The slot's calls
 * go through `PluginSlot`, which reads this state and books calls here.
 */
export class SlotLifecycle {
  /** Generation of the serving process (0 before the first start; a promoted standby counts as one). */
  generation = 0;
  /** Time from the last crash to the next ready process, ms (null before the first recovery). */
  lastRecoveryMs: number | null = null;
  private phaseNow: SlotPhase;
  private unavailable: string | null;
  private failureNow: string | null = null;
  private failedAt: number | null = null;
  private retryAtNow: number | null = null;
  private serving: PluginProcess | null = null;
  private starting: Promise<StartOutcome> | null = null;
  private pendingRestart: DelayedRestart | null = null;
  private consecutiveCrashes = 0;
  private readonly idle: IdleStop;
  private readonly standby: SlotStandby;

  constructor(private readonly o: SlotLifecycleOptions) {
    this.phaseNow = o.unavailableReason === null ? 'LOADED' : 'UNAVAILABLE';
    this.unavailable = o.unavailableReason;
    this.idle = new IdleStop(o.limits.idleMs, () => this.onIdle());
    this.standby = new SlotStandby({
      name: o.name,
      limits: o.limits,
      hooks: o.hooks,
      inspector: o.inspector,
      create: () => this.createProcess(this.generation + 1),
      condition: () => ({
        running: this.phaseNow === 'RUNNING' && this.serving !== null,
        breakerOpen: o.breaker.isOpen,
        consecutiveCrashes: this.consecutiveCrashes,
      }),
      crashDelay: () => this.nextDelay(),
    });
  }

  get phase(): SlotPhase {
    return this.phaseNow;
  }

  /** The serving process, if any. */
  get process(): PluginProcess | null {
    return this.serving;
  }

  get unavailableReason(): string | null {
    return this.unavailable;
  }

  /** The last crash or failed start (null once a process is ready again). */
  get failure(): string | null {
    return this.failureNow;
  }

  /** When the next restart is due (BACKOFF, FAILED), epoch ms. */
  get retryAt(): number | null {
    return this.retryAtNow;
  }

  /** The restart after the backoff, while one is scheduled. */
  get restarting(): Promise<StartOutcome> | null {
    return this.phaseNow === 'BACKOFF' && this.pendingRestart ? this.pendingRestart.promise : null;
  }

  get standbyState(): StandbyState {
    return this.standby.state;
  }

  /** Marks the slot UNAVAILABLE for a reason found outside it (a duplicate name, a failed import). */
  markUnavailable(reason: string): void {
    this.phaseNow = 'UNAVAILABLE';
    this.unavailable = reason;
    void this.standby.cancel(this.o.limits.stopGraceMs, 'the plugin is unavailable');
  }

  /** The plugin is in use (`arm`: the idle timer restarts from `now`). */
  used(now: number, arm: boolean): void {
    this.idle.used(now, arm);
  }

  /** A call succeeded: the crash streak ends. */
  callSucceeded(): void {
    this.consecutiveCrashes = 0;
  }

  /** A call settled: the idle timer restarts; a call that reached a process makes the plugin hotter. */
  callSettled(now: number, reachedProcess: boolean): void {
    this.idle.used(now, this.phaseNow === 'RUNNING' && this.serving !== null);
    if (reachedProcess) {
      this.standby.noteCall(now);
      this.standby.keepIfWanted(now);
    }
  }

  /** Starts a process of a new generation, or joins the start in flight. */
  start(): Promise<StartOutcome> {
    if (this.starting) return this.starting;
    if (!this.o.entryPath || !this.o.manifest)
      return Promise.resolve({ ok: false, phase: 'start', message: 'no entry' });
    const proc = this.createProcess(this.generation + 1);
    this.generation = proc.generation;
    this.serving = proc;
    this.phaseNow = 'STARTING';
    this.retryAtNow = null;
    this.o.changed();
    return this.track(proc, proc.start(), Date.now());
  }

  /** Stops the process and the standby for good (host close). */
  async close(graceMs: number): Promise<void> {
    this.phaseNow = 'STOPPED';
    this.idle.clear();
    this.pendingRestart?.cancel();
    this.pendingRestart = null;
    const proc = this.serving;
    this.serving = null;
    await Promise.all([
      proc?.stop(graceMs, 'the plugin host is shutting down'),
      this.standby.cancel(graceMs, 'the plugin host is shutting down'),
    ]);
  }

  /** Books the end of a start of the serving process (a fresh one, or a standby promoted while starting). */
  private track(proc: PluginProcess, started: Promise<StartOutcome>, startedAt: number): Promise<StartOutcome> {
    const starting: Promise<StartOutcome> = started.then((outcome) => {
      if (this.starting === starting) this.starting = null;
      if (this.serving !== proc || this.phaseNow === 'STOPPED') return outcome;
      if (outcome.ok) this.onReady(proc, 'plugin process ready', Date.now() - startedAt);
      else this.onStartFailed(outcome);
      return outcome;
    });
    this.starting = starting;
    return starting;
  }

  private createProcess(generation: number): PluginProcess {
    const { o } = this;
    return createSlotProcess({
      name: o.name,
      dir: o.dir,
      entryPath: o.entryPath,
      manifest: o.manifest,
      limits: o.limits,
      hooks: o.hooks,
      inspector: o.inspector,
      generation,
      onExit: (proc, exit) => this.onProcessExit(proc, exit),
    });
  }

  /** The serving process is ready (started, or a standby promoted): RUNNING. */
  private onReady(proc: PluginProcess, event: string, ms: number): void {
    const now = Date.now();
    if (this.failedAt !== null) this.lastRecoveryMs = now - this.failedAt;
    this.phaseNow = 'RUNNING';
    this.failureNow = null;
    this.failedAt = null;
    this.o.hooks.log('info', { plugin: this.o.name, generation: proc.generation, ms }, event);
    this.o.changed();
    this.idle.used(now, true);
    this.standby.keepIfWanted(now);
  }

  /** A crash of the serving process: the standby (ready or starting) serves from now on. */
  private promote(standby: PromotedStandby): void {
    const { proc } = standby;
    this.serving = proc;
    this.generation = proc.generation;
    this.retryAtNow = null;
    if (standby.ready) {
      this.onReady(proc, 'plugin standby process promoted', 0);
      return;
    }
    this.phaseNow = 'STARTING';
    this.o.changed();
    void this.track(proc, standby.start, Date.now());
  }

  private onStartFailed(outcome: Extract<StartOutcome, { ok: false }>): void {
    const { o } = this;
    this.serving = null;
    void this.standby.cancel(o.limits.stopGraceMs, 'the plugin process failed to start');
    if (outcome.phase === 'import') {
      const reason = outcome.missing
        ? missingPackagesReason(o.dir, [outcome.missing])
        : `import: ${outcome.message} (fix the entry ${o.manifest?.entry ?? ''} in ${o.dir})`;
      o.inspector.recordError(reason, undefined, 'host');
      this.markUnavailable(reason);
      o.hooks.log('warn', { plugin: o.name, reason }, 'plugin unavailable');
      o.changed();
      return;
    }
    const failure = outcome.phase === 'init' ? `init: ${outcome.message}` : `start: ${outcome.message}`;
    this.recordCrash(failure);
    this.phaseNow = 'FAILED';
    this.retryAtNow = o.breaker.isOpen ? null : Date.now() + this.nextDelay();
    o.changed();
  }

  private onProcessExit(proc: PluginProcess, exit: ProcessExit): void {
    const { o } = this;
    if (this.standby.owns(proc)) {
      this.standby.onExit(proc, exit);
      return;
    }
    // A process of an older generation (stopped when idle, replaced) can no longer change the slot.
    if (proc !== this.serving) return;
    this.serving = null;
    if (this.phaseNow === 'STOPPED') return;
    if (exit.expected) {
      this.phaseNow = 'LOADED';
      void this.standby.cancel(o.limits.stopGraceMs, 'the plugin process was stopped');
      o.changed();
      return;
    }
    // The summary: the stderr line may carry a call's data (it is in that call's own error).
    this.recordCrash(`${exit.kind}: ${exit.summary}`, exit.message);
    if (o.breaker.isOpen) {
      void this.standby.cancel(o.limits.stopGraceMs, 'the circuit breaker opened');
      this.phaseNow = 'FAILED';
      this.retryAtNow = null;
      o.changed();
      return;
    }
    const standby = this.consecutiveCrashes <= STANDBY_MAX_CONSECUTIVE_CRASHES ? this.standby.take() : null;
    if (standby) {
      this.promote(standby);
      return;
    }
    void this.standby.cancel(o.limits.stopGraceMs, 'the plugin crashed again before a call succeeded');
    const delay = this.nextDelay();
    this.phaseNow = 'BACKOFF';
    this.retryAtNow = Date.now() + delay;
    this.pendingRestart = delayedRestart(
      delay,
      () => this.start(),
      () => {
        this.pendingRestart = null;
      },
    );
    o.changed();
  }

  /**
   * Books a crash or failed start. `failure` is what every tenant sees (health `reason`,
   * `plugin_status`, the inspector's host entry), so it must carry nothing a call put there;
   * `logged` (default `failure`) is the full text for the gateway's log.
   */
  private recordCrash(failure: string, logged = failure): void {
    this.failureNow = failure;
    this.failedAt = Date.now();
    this.standby.noteCrash(this.failedAt);
    this.consecutiveCrashes++;
    this.o.inspector.recordError(failure, undefined, 'host');
    const opened = this.o.breaker.recordCrash();
    this.o.hooks.log('warn', { plugin: this.o.name, failure: logged, breakerOpen: opened }, 'plugin process failed');
  }

  private nextDelay(): number {
    return backoffDelay(this.consecutiveCrashes, this.o.limits.backoff, this.o.hooks.random);
  }

  /** `idleMs` after the last use: stops the process and the standby, unless a call is running. */
  private onIdle(): IdleCheck {
    const proc = this.serving;
    if (this.phaseNow !== 'RUNNING' || !proc) return 'done';
    if (proc.inFlight > 0) return 'busy';
    this.serving = null;
    this.phaseNow = 'LOADED';
    this.o.hooks.log('info', { plugin: this.o.name, generation: proc.generation }, 'plugin process stopped when idle');
    this.o.changed();
    void proc.stop(this.o.limits.stopGraceMs, 'the plugin process was stopped when idle');
    void this.standby.cancel(this.o.limits.stopGraceMs, 'the plugin process was stopped when idle');
    return 'done';
  }
}
