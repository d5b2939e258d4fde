import type { PluginHealth, PluginInspector, PluginManifest } from '@easel/schemas';
import { InspectorService } from '../inspector/inspector_service.ts';
import { missingPackagesReason } from '../loading/loadPluginFolder.ts';
import type { LoadedFolder } from '../loading/loadPluginFolder.ts';
import type { ToolValidators } from '../loading/compileToolValidators.ts';
import type { PluginOrigin } from '../PluginHost.ts';
import { PluginProcess, type ProcessExit, type StartOutcome } from '../sandbox/PluginProcess.ts';
import { backoffDelay } from './backoffDelay.ts';
import { CircuitBreaker } from './CircuitBreaker.ts';
import type { SlotLimits } from './SlotLimits.ts';

/**
 * Internal lifecycle of a plugin. `health()` maps it onto the four contract states: STARTING is
 * LOADED on a first start and FAILED when recovering; BACKOFF (crashed, restart scheduled) and
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

/** A process a call may use, or why there is none. */
export type Lease =
  | { ok: true; proc: PluginProcess; probe: boolean }
  | { ok: false; kind: 'unavailable' | 'aborted' | 'crashed'; message: string };

/** Host-wide hooks of a slot. */
export interface SlotHooks {
  /** Called after any change of phase or reason. */
  onChange(slot: PluginSlot): void;
  log(level: 'info' | 'warn', data: Record<string, unknown>, message: string): void;
  readonly runAs?: { readonly uid: number; readonly gid: number };
  readonly random?: () => number;
}

/**
 * The registry entry of one plugin: its state machine (single-flight starts, a generation per
 * process, jittered restarts after crashes, the circuit breaker, idle stop), counters and inspector.
 * Every transition happens here; processes of older generations can no longer change it.
 */
export class PluginSlot {
  readonly name: string;
  readonly dir: string;
  readonly origin: PluginOrigin;
  readonly manifest: PluginManifest | null;
  readonly validators: ReadonlyMap<string, ToolValidators>;
  readonly inspector = new InspectorService();
  /** Generation of the newest process (0 before the first start). */
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
  private pendingRestart: { promise: Promise<StartOutcome>; cancel(): void } | null = null;
  private idleTimer: NodeJS.Timeout | undefined;
  private consecutiveCrashes = 0;
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
  }

  /** The internal phase (tests, logs). */
  get currentPhase(): SlotPhase {
    return this.phase;
  }

  /** The current process, if any (tests use it to reach an old generation). */
  get currentProcess(): PluginProcess | null {
    return this.process;
  }

  /** Marks the slot UNAVAILABLE for a reason found outside it (a duplicate name). */
  markUnavailable(reason: string): void {
    this.phase = 'UNAVAILABLE';
    this.unavailableReason = reason;
  }

  /** Finds a usable process for one call: breaker gate, backoff wait, single-flight start. */
  async acquire(signal?: AbortSignal): Promise<Lease> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const gate = this.gate();
      if (!gate.ok) return gate;
      clearTimeout(this.idleTimer);
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

  /** Books a settled call: counters, breaker probe, inspector, idle timer. */
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
    this.armIdle();
  }

  /** Contract §9 health: the four public states, an actionable reason, counters, uptime. */
  health(now = Date.now()): PluginHealth {
    const proc = this.process;
    const state =
      this.phase === 'UNAVAILABLE'
        ? 'UNAVAILABLE'
        : this.phase === 'RUNNING'
          ? 'RUNNING'
          : this.phase === 'BACKOFF' || this.phase === 'FAILED' || (this.phase === 'STARTING' && this.failure)
            ? 'FAILED'
            : 'LOADED';
    const reason = this.reason(now);
    return {
      name: this.name,
      state,
      ...(this.manifest ? { description: this.manifest.description, version: this.manifest.version } : {}),
      ...(reason ? { reason } : {}),
      ...(this.phase === 'RUNNING' && proc?.readyAt
        ? { uptime_seconds: Math.max(0, (now - proc.readyAt) / 1000) }
        : {}),
      success_count: this.successCount,
      error_count: this.errorCount,
    };
  }

  inspect(): PluginInspector {
    return this.inspector.view(this.health(), this.manifest);
  }

  /** Stops the process for good (host close). */
  async close(graceMs: number): Promise<void> {
    this.phase = 'STOPPED';
    clearTimeout(this.idleTimer);
    this.pendingRestart?.cancel();
    this.pendingRestart = null;
    const proc = this.process;
    this.process = null;
    await proc?.stop(graceMs, 'the plugin host is shutting down');
  }

  /** Why the plugin is not RUNNING (or what it recovers from), with the next retry. */
  reason(now = Date.now()): string | undefined {
    if (this.phase === 'UNAVAILABLE') return this.unavailableReason ?? 'unavailable';
    if (this.phase === 'STOPPED') return 'the plugin host is closed';
    const breaker = this.breaker.describe();
    if (breaker) return this.failure ? `${breaker}; last failure: ${this.failure}` : breaker;
    if (!this.failure || this.phase === 'RUNNING' || this.phase === 'LOADED') return undefined;
    if (this.phase === 'STARTING') return `${this.failure}; restarting now`;
    const wait = this.retryAt === null ? 0 : Math.max(0, this.retryAt - now);
    const at = this.retryAt === null ? '' : ` (at ${new Date(this.retryAt).toISOString()})`;
    if (this.phase === 'BACKOFF') return `${this.failure}; restarting in ${seconds(wait)} s${at}`;
    return wait > 0
      ? `${this.failure}; next retry in ${seconds(wait)} s${at}`
      : `${this.failure}; the next call retries`;
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
    const tools = Object.values(this.manifest.tools);
    const heapMb = Math.max(this.limits.minHeapMb, ...tools.map((tool) => tool.memory_mb));
    const generation = ++this.generation;
    const proc: PluginProcess = new PluginProcess({
      dir: this.dir,
      entryPath: this.entryPath,
      heapMb,
      rssLimitMb: heapMb + this.limits.rssHeadroomMb,
      generation,
      startTimeoutMs: this.limits.startTimeoutMs,
      rssPollMs: this.limits.rssPollMs,
      abortGraceMs: this.limits.abortGraceMs,
      maxMessageBytes: this.limits.maxMessageBytes,
      ...(this.hooks.runAs ? { runAs: this.hooks.runAs } : {}),
      onInitWarning: (message) => this.inspector.recordWarning(message),
      onExit: (exit) => this.onProcessExit(proc, exit),
    });
    this.process = proc;
    this.phase = 'STARTING';
    this.retryAt = null;
    this.hooks.onChange(this);
    const startedAt = Date.now();
    this.starting = proc.start().then((outcome) => {
      this.starting = null;
      if (this.process !== proc || this.phase === 'STOPPED') return outcome;
      if (outcome.ok) {
        if (this.failedAt !== null) this.lastRecoveryMs = Date.now() - this.failedAt;
        this.phase = 'RUNNING';
        this.failure = null;
        this.failedAt = null;
        this.hooks.log('info', { plugin: this.name, generation, ms: Date.now() - startedAt }, 'plugin process ready');
        this.hooks.onChange(this);
        this.armIdle();
      } else {
        this.onStartFailed(outcome);
      }
      return outcome;
    });
    return this.starting;
  }

  private onStartFailed(outcome: Extract<StartOutcome, { ok: false }>): void {
    this.process = null;
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
    // A process of an older generation (stopped when idle, replaced) can no longer change the slot.
    if (proc !== this.process) return;
    this.process = null;
    if (this.phase === 'STOPPED') return;
    if (exit.expected) {
      this.phase = 'LOADED';
      this.hooks.onChange(this);
      return;
    }
    this.recordCrash(`${exit.kind}: ${exit.message}`);
    if (this.breaker.isOpen) {
      this.phase = 'FAILED';
      this.retryAt = null;
      this.hooks.onChange(this);
      return;
    }
    const delay = this.nextDelay();
    this.phase = 'BACKOFF';
    this.retryAt = Date.now() + delay;
    let timer: NodeJS.Timeout | undefined;
    let settle: (outcome: StartOutcome) => void = () => {};
    const promise = new Promise<StartOutcome>((resolve) => {
      settle = resolve;
      timer = setTimeout(() => {
        this.pendingRestart = null;
        resolve(this.start());
      }, delay);
    });
    this.pendingRestart = {
      promise,
      cancel: () => {
        clearTimeout(timer);
        settle({ ok: false, phase: 'start', message: 'the plugin host is closed' });
      },
    };
    this.hooks.onChange(this);
  }

  private recordCrash(failure: string): void {
    this.failure = failure;
    this.failedAt = Date.now();
    this.consecutiveCrashes++;
    this.inspector.recordError(failure);
    const opened = this.breaker.recordCrash();
    this.hooks.log('warn', { plugin: this.name, failure, breakerOpen: opened }, 'plugin process failed');
  }

  private nextDelay(): number {
    return backoffDelay(this.consecutiveCrashes, this.limits.backoff, this.hooks.random);
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    const proc = this.process;
    if (this.phase !== 'RUNNING' || !proc || proc.inFlight > 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.process !== proc || proc.inFlight > 0 || this.phase !== 'RUNNING') return;
      this.process = null;
      this.phase = 'LOADED';
      this.hooks.log('info', { plugin: this.name, generation: proc.generation }, 'plugin process stopped when idle');
      this.hooks.onChange(this);
      void proc.stop(this.limits.stopGraceMs, 'the plugin process was stopped when idle');
    }, this.limits.idleMs);
    this.idleTimer.unref();
  }
}

function seconds(ms: number): string {
  return (Math.round(ms / 100) / 10).toFixed(1);
}

function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T | 'aborted'> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise<T | 'aborted'>((resolve) => {
    const onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
  });
}
