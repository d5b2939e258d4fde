import type { PluginHealth, PluginInspector, PluginManifest } from '@easel/schemas';
import { InspectorService } from '../inspector/inspector_service.ts';
import { missingPackagesReason } from '../loading/loadPluginFolder.ts';
import type { LoadedFolder } from '../loading/loadPluginFolder.ts';
import type { ToolValidators } from '../loading/compileToolValidators.ts';
import type { PluginOrigin } from '../PluginHost.ts';
import { PluginProcess, type ProcessExit, type StartOutcome } from '../sandbox/PluginProcess.ts';
import { backoffDelay } from './backoffDelay.ts';
import { CircuitBreaker } from './CircuitBreaker.ts';
import { type DelayedRestart, delayedRestart } from './delayedRestart.ts';
import { type IdleCheck, IdleStop } from './IdleStop.ts';
import type { Lease } from './Lease.ts';
import { raceAbort } from './raceAbort.ts';
import type { SlotHooks } from './SlotHooks.ts';
import type { SlotLimits } from './SlotLimits.ts';
import { type SlotHealthInput, slotHealth, slotReason } from './slotHealth.ts';
import type { SlotPhase } from './SlotPhase.ts';
import { type PromotedStandby, StandbyKeeper, type StandbyState } from './StandbyKeeper.ts';
import { STANDBY_MAX_CONSECUTIVE_CRASHES, StandbyPolicy } from './StandbyPolicy.ts';
import { StandbyPool } from './StandbyPool.ts';

export type { Lease } from './Lease.ts';
export type { SlotHooks } from './SlotHooks.ts';
export { SLOT_PHASES, type SlotPhase } from './SlotPhase.ts';

/**
 * The registry entry of one plugin: its state machine (single-flight starts, a generation per
 * process, jittered restarts after crashes, the circuit breaker, idle stop), counters and inspector.
 * Every transition happens here; processes of older generations can no longer change it.
 *
 * A hot or recently crashed plugin also keeps a standby process (imports and `init` done, see
 * `StandbyOptions`): a crash promotes it at once instead of starting a process after the backoff,
 * and its replacement is spawned only after the jittered backoff, so a plugin never spawns more
 * often than it crashes. No standby while the breaker is open or after a second crash without a
 * successful call in between (then the plain backoff restart applies); idle stop and close stop it.
 */
export class PluginSlot {
  readonly name: string;
  readonly dir: string;
  readonly origin: PluginOrigin;
  readonly manifest: PluginManifest | null;
  readonly validators: ReadonlyMap<string, ToolValidators>;
  readonly inspector = new InspectorService();
  /** Generation of the serving process (0 before the first start; a promoted standby counts as one). */
  generation = 0;
  successCount = 0;
  errorCount = 0;
  /** Time from the last crash to the next ready process, ms (null before the first recovery). */
  lastRecoveryMs: number | null = null;
  private phase: SlotPhase;
  private unavailableReason: string | null = null;
  private failure: string | null = null;
  private failedAt: number | null = null;
  private retryAt: number | null = null;
  private process: PluginProcess | null = null;
  private starting: Promise<StartOutcome> | null = null;
  private pendingRestart: DelayedRestart | null = null;
  private readonly idle: IdleStop;
  private consecutiveCrashes = 0;
  private readonly standby: StandbyKeeper;
  private readonly standbyPolicy: StandbyPolicy;
  private readonly breaker: CircuitBreaker;
  private readonly entryPath: string | null;

  constructor(
    loaded: LoadedFolder,
    private readonly limits: SlotLimits,
    private readonly hooks: SlotHooks,
    key: string = loaded.name,
  ) {
    this.name = key;
    this.dir = loaded.dir;
    this.origin = loaded.origin;
    this.manifest = loaded.manifest;
    this.validators = loaded.ok ? loaded.validators : new Map();
    this.entryPath = loaded.ok ? loaded.entryPath : null;
    this.phase = loaded.ok ? 'LOADED' : 'UNAVAILABLE';
    this.unavailableReason = loaded.ok ? null : loaded.reason;
    this.breaker = new CircuitBreaker(limits.breaker);
    this.idle = new IdleStop(limits.idleMs, () => this.onIdle());
    this.standbyPolicy = new StandbyPolicy(limits.standby);
    this.standby = new StandbyKeeper({
      pool: hooks.standbyPool ?? new StandbyPool(limits.standby.maxProcesses),
      create: () => this.createProcess(this.generation + 1),
      stillWanted: () => this.wantsStandby(Date.now()),
      onReady: (proc, ms) => {
        this.standbyPolicy.noteStandbyReady();
        this.hooks.log('info', { plugin: this.name, generation: proc.generation, ms }, 'plugin standby process ready');
      },
      onFailed: (why) => this.onStandbyFailed(why),
    });
  }

  /** The internal phase (tests, logs). */
  get currentPhase(): SlotPhase {
    return this.phase;
  }

  /** The current process, if any (tests use it to reach an old generation). */
  get currentProcess(): PluginProcess | null {
    return this.process;
  }

  /** Where the plugin's standby process is. */
  get standbyState(): StandbyState {
    return this.standby.state;
  }

  /** Marks the slot UNAVAILABLE for a reason found outside it (a duplicate name). */
  markUnavailable(reason: string): void {
    this.phase = 'UNAVAILABLE';
    this.unavailableReason = reason;
    void this.standby.cancel(this.limits.stopGraceMs, 'the plugin is unavailable');
  }

  /**
   * The serving process when the plugin is RUNNING with its breaker closed (no side effects, no
   * promise: the common case of a call), else null and the caller goes through {@link acquire}.
   */
  tryAcquire(): Lease | null {
    const proc = this.process;
    if (this.phase !== 'RUNNING' || proc === null || !proc.usable || this.breaker.isOpen) return null;
    this.idle.used(Date.now(), false);
    return { ok: true, proc, probe: false };
  }

  /** Finds a usable process for one call: breaker gate, backoff wait, single-flight start. */
  async acquire(signal?: AbortSignal): Promise<Lease> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const gate = this.gate();
      if (!gate.ok) return gate;
      this.idle.used(Date.now(), false);
      const current = this.process;
      if (current?.usable) return { ok: true, proc: current, probe: gate.probe };
      // Being killed (a timeout, the watchdog): wait until its end is booked, then restart as usual.
      const dying = current && current.readyAt !== null ? current.whenFinished() : null;
      const waiting = dying
        ? dying.then((): StartOutcome => ({ ok: true }))
        : this.phase === 'BACKOFF' && this.pendingRestart
          ? this.pendingRestart.promise
          : this.start();
      const outcome = await raceAbort(waiting, signal);
      if (outcome === 'aborted') {
        if (gate.probe) this.breaker.cancelProbe();
        return { ok: false, kind: 'aborted', message: 'the call was aborted while the plugin was starting' };
      }
      if (!outcome.ok) return { ok: false, kind: 'unavailable', message: this.reason() ?? outcome.message };
      if (this.process?.usable) return { ok: true, proc: this.process, probe: gate.probe };
      if (gate.probe) this.breaker.cancelProbe();
    }
    return { ok: false, kind: 'crashed', message: 'the plugin process kept dying while it started; try again' };
  }

  /** Books a settled call: counters, breaker probe, inspector, idle timer, hotness (standby). */
  release(lease: Lease, tool: string, ok: boolean, kind: string | null, message: string | null): void {
    if (ok) {
      this.successCount++;
      this.consecutiveCrashes = 0;
    } else {
      this.errorCount++;
      this.inspector.recordError(`${kind}: ${message}`, tool);
    }
    if (lease.ok && lease.probe) {
      if (kind === 'aborted') this.breaker.cancelProbe();
      else this.breaker.probeSucceeded();
      this.hooks.onChange(this);
    }
    const now = Date.now();
    this.idle.used(now, this.phase === 'RUNNING' && this.process !== null);
    if (lease.ok) {
      this.standbyPolicy.noteCall(now);
      if (this.standby.state === 'none') this.maybeKeepStandby(now);
    }
  }

  /** Contract §9 health: the four public states, an actionable reason, counters, uptime. */
  health(now = Date.now()): PluginHealth {
    return slotHealth(this.healthInput(), now);
  }

  inspect(): PluginInspector {
    return this.inspector.view(this.health(), this.manifest);
  }

  /** Stops the process for good (host close). */
  async close(graceMs: number): Promise<void> {
    this.phase = 'STOPPED';
    this.idle.clear();
    this.pendingRestart?.cancel();
    this.pendingRestart = null;
    const proc = this.process;
    this.process = null;
    await Promise.all([
      proc?.stop(graceMs, 'the plugin host is shutting down'),
      this.standby.cancel(graceMs, 'the plugin host is shutting down'),
    ]);
  }

  /** Why the plugin is not RUNNING (or what it recovers from), with the next retry. */
  reason(now = Date.now()): string | undefined {
    return slotReason(this.healthInput(), now);
  }

  private healthInput(): SlotHealthInput {
    return {
      name: this.name,
      manifest: this.manifest,
      phase: this.phase,
      unavailableReason: this.unavailableReason,
      breaker: this.breaker.describe(),
      failure: this.failure,
      retryAt: this.retryAt,
      readyAt: this.process?.readyAt ?? null,
      successCount: this.successCount,
      errorCount: this.errorCount,
    };
  }

  private gate(): { ok: true; probe: boolean } | { ok: false; kind: 'unavailable'; message: string } {
    if (this.phase === 'STOPPED') return { ok: false, kind: 'unavailable', message: 'the plugin host is closed' };
    if (this.phase === 'UNAVAILABLE') return { ok: false, kind: 'unavailable', message: this.reason() ?? '' };
    const admitted = this.breaker.admit();
    if (!admitted.ok) return { ok: false, kind: 'unavailable', message: admitted.message };
    if (this.phase === 'FAILED' && !admitted.probe && this.retryAt !== null && Date.now() < this.retryAt) {
      return { ok: false, kind: 'unavailable', message: this.reason() ?? 'failed' };
    }
    return { ok: true, probe: admitted.probe };
  }

  /** Starts a process of a new generation, or joins the start in flight. */
  private start(): Promise<StartOutcome> {
    if (this.starting) return this.starting;
    if (!this.entryPath || !this.manifest) return Promise.resolve({ ok: false, phase: 'start', message: 'no entry' });
    const proc = this.createProcess(this.generation + 1);
    this.generation = proc.generation;
    this.process = proc;
    this.phase = 'STARTING';
    this.retryAt = null;
    this.hooks.onChange(this);
    return this.track(proc, proc.start(), Date.now());
  }

  /** Books the end of a start of the serving process (a fresh one, or a standby promoted while starting). */
  private track(proc: PluginProcess, started: Promise<StartOutcome>, startedAt: number): Promise<StartOutcome> {
    const starting: Promise<StartOutcome> = started.then((outcome) => {
      if (this.starting === starting) this.starting = null;
      if (this.process !== proc || this.phase === 'STOPPED') return outcome;
      if (outcome.ok) this.onReady(proc, 'plugin process ready', Date.now() - startedAt);
      else this.onStartFailed(outcome);
      return outcome;
    });
    this.starting = starting;
    return starting;
  }

  /** A process of this plugin (the limits of its tools, the sandbox options), not started. */
  private createProcess(generation: number): PluginProcess {
    const tools = Object.values(this.manifest?.tools ?? {});
    const heapMb = Math.max(this.limits.minHeapMb, ...tools.map((tool) => tool.memory_mb));
    const proc: PluginProcess = new PluginProcess({
      dir: this.dir,
      entryPath: this.entryPath ?? '',
      heapMb,
      rssLimitMb: heapMb + this.limits.rssHeadroomMb,
      generation,
      startTimeoutMs: this.limits.startTimeoutMs,
      rssPollMs: this.limits.rssPollMs,
      abortGraceMs: this.limits.abortGraceMs,
      maxMessageBytes: this.limits.maxMessageBytes,
      ownSession: this.hooks.ownSession === true,
      ...(this.hooks.runAs ? { runAs: this.hooks.runAs } : {}),
      onInitWarning: (message) => this.inspector.recordWarning(message),
      onExit: (exit) => this.onProcessExit(proc, exit),
    });
    this.hooks.log('info', { plugin: this.name, generation }, 'plugin process spawned');
    return proc;
  }

  /** The serving process is ready (started, or a standby promoted): RUNNING. */
  private onReady(proc: PluginProcess, event: string, ms: number): void {
    const now = Date.now();
    if (this.failedAt !== null) this.lastRecoveryMs = now - this.failedAt;
    this.phase = 'RUNNING';
    this.failure = null;
    this.failedAt = null;
    this.hooks.log('info', { plugin: this.name, generation: proc.generation, ms }, event);
    this.hooks.onChange(this);
    this.idle.used(now, true);
    this.maybeKeepStandby(now);
  }

  /** A crash of the serving process: the standby (ready or starting) serves from now on. */
  private promote(standby: PromotedStandby): void {
    const { proc } = standby;
    this.process = proc;
    this.generation = proc.generation;
    this.retryAt = null;
    if (standby.ready) {
      this.onReady(proc, 'plugin standby process promoted', 0);
      return;
    }
    this.phase = 'STARTING';
    this.hooks.onChange(this);
    void this.track(proc, standby.start, Date.now());
  }

  private onStartFailed(outcome: Extract<StartOutcome, { ok: false }>): void {
    this.process = null;
    void this.standby.cancel(this.limits.stopGraceMs, 'the plugin process failed to start');
    if (outcome.phase === 'import') {
      const reason = outcome.missing
        ? missingPackagesReason(this.dir, [outcome.missing])
        : `import: ${outcome.message} (fix the entry ${this.manifest?.entry ?? ''} in ${this.dir})`;
      this.inspector.recordError(reason);
      this.markUnavailable(reason);
      this.hooks.log('warn', { plugin: this.name, reason }, 'plugin unavailable');
      this.hooks.onChange(this);
      return;
    }
    const failure = outcome.phase === 'init' ? `init: ${outcome.message}` : `start: ${outcome.message}`;
    this.recordCrash(failure);
    this.phase = 'FAILED';
    this.retryAt = this.breaker.isOpen ? null : Date.now() + this.nextDelay();
    this.hooks.onChange(this);
  }

  private onProcessExit(proc: PluginProcess, exit: ProcessExit): void {
    if (this.standby.owns(proc)) {
      this.standby.onExit(proc, exit);
      return;
    }
    // A process of an older generation (stopped when idle, replaced) can no longer change the slot.
    if (proc !== this.process) return;
    this.process = null;
    if (this.phase === 'STOPPED') return;
    if (exit.expected) {
      this.phase = 'LOADED';
      void this.standby.cancel(this.limits.stopGraceMs, 'the plugin process was stopped');
      this.hooks.onChange(this);
      return;
    }
    this.recordCrash(`${exit.kind}: ${exit.message}`);
    if (this.breaker.isOpen) {
      void this.standby.cancel(this.limits.stopGraceMs, 'the circuit breaker opened');
      this.phase = 'FAILED';
      this.retryAt = null;
      this.hooks.onChange(this);
      return;
    }
    const standby = this.consecutiveCrashes <= STANDBY_MAX_CONSECUTIVE_CRASHES ? this.standby.take() : null;
    if (standby) {
      this.promote(standby);
      return;
    }
    void this.standby.cancel(this.limits.stopGraceMs, 'the plugin crashed again before a call succeeded');
    const delay = this.nextDelay();
    this.phase = 'BACKOFF';
    this.retryAt = Date.now() + delay;
    this.pendingRestart = delayedRestart(
      delay,
      () => this.start(),
      () => {
        this.pendingRestart = null;
      },
    );
    this.hooks.onChange(this);
  }

  private recordCrash(failure: string): void {
    this.failure = failure;
    this.failedAt = Date.now();
    this.standbyPolicy.noteCrash(this.failedAt);
    this.consecutiveCrashes++;
    this.inspector.recordError(failure);
    const opened = this.breaker.recordCrash();
    this.hooks.log('warn', { plugin: this.name, failure, breakerOpen: opened }, 'plugin process failed');
  }

  private nextDelay(): number {
    return backoffDelay(this.consecutiveCrashes, this.limits.backoff, this.hooks.random);
  }

  /** Whether a standby is wanted now (see `StandbyPolicy`). */
  private wantsStandby(now: number): boolean {
    return this.standbyPolicy.wants(now, {
      running: this.phase === 'RUNNING' && this.process !== null,
      breakerOpen: this.breaker.isOpen,
      consecutiveCrashes: this.consecutiveCrashes,
    });
  }

  /** Schedules a standby when one is wanted: after the restart backoff following a crash, else `delayMs`. */
  private maybeKeepStandby(now: number): void {
    if (this.standby.state !== 'none' || !this.wantsStandby(now)) return;
    this.standby.schedule(this.standbyPolicy.crashedRecently(now) ? this.nextDelay() : this.limits.standby.delayMs);
  }

  /** A standby failed to start or died while waiting: no standby for a while; the serving process is untouched. */
  private onStandbyFailed(why: string): void {
    const block = this.standbyPolicy.noteStandbyFailed(Date.now());
    const failure = `standby process: ${why}`;
    this.inspector.recordError(failure);
    this.hooks.log('warn', { plugin: this.name, failure, noStandbyForMs: block }, 'plugin standby process failed');
  }

  /** `idleMs` after the last use: stops the process and the standby, unless a call is running. */
  private onIdle(): IdleCheck {
    const proc = this.process;
    if (this.phase !== 'RUNNING' || !proc) return 'done';
    if (proc.inFlight > 0) return 'busy';
    this.process = null;
    this.phase = 'LOADED';
    this.hooks.log('info', { plugin: this.name, generation: proc.generation }, 'plugin process stopped when idle');
    this.hooks.onChange(this);
    void proc.stop(this.limits.stopGraceMs, 'the plugin process was stopped when idle');
    void this.standby.cancel(this.limits.stopGraceMs, 'the plugin process was stopped when idle');
    return 'done';
  }
}
