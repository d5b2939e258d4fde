import type { PluginHealth, PluginInspector, PluginManifest } from '@easel/schemas';
import { InspectorService } from '../inspector/inspector_service.ts';
import type { EntryOwner, InspectorViewer } from '../inspector/RecentLog.ts';
import type { ToolValidators } from '../loading/toolValidators.ts';
import type { LoadedFolder } from '../loading/loadPluginFolder.ts';
import type { PluginOrigin } from '../PluginHost.ts';
import type { PluginProcess, StartOutcome } from '../sandbox/PluginProcess.ts';
import { CircuitBreaker } from './CircuitBreaker.ts';
import type { Lease } from './Lease.ts';
import { raceAbort } from './raceAbort.ts';
import type { SlotHooks } from './SlotHooks.ts';
import { SlotLifecycle } from './SlotLifecycle.ts';
import type { SlotLimits } from './SlotLimits.ts';
import { type SlotHealthInput, slotHealth, slotReason } from './slotHealth.ts';
import type { SlotPhase } from './SlotPhase.ts';
import type { StandbyState } from './StandbyKeeper.ts';

export type { Lease } from './Lease.ts';
export type { SlotHooks } from './SlotHooks.ts';
export { SLOT_PHASES, type SlotPhase } from './SlotPhase.ts';

/**
 * The registry entry of one plugin: how calls reach its process (the breaker gate, the backoff
 * wait, single-flight starts), its counters, health and inspector. The process state machine
 * itself (a generation per process, jittered restarts after crashes, idle stop, the standby
 * process) is its {@link SlotLifecycle}; processes of older generations can no longer change it.
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
  successCount = 0;
  errorCount = 0;
  private readonly breaker: CircuitBreaker;
  private readonly life: SlotLifecycle;

  constructor(
    loaded: LoadedFolder,
    limits: SlotLimits,
    private readonly hooks: SlotHooks,
    key: string = loaded.name,
  ) {
    this.name = key;
    this.dir = loaded.dir;
    this.origin = loaded.origin;
    this.manifest = loaded.manifest;
    this.validators = loaded.ok ? loaded.validators : new Map();
    this.breaker = new CircuitBreaker(limits.breaker);
    this.life = new SlotLifecycle({
      name: key,
      dir: loaded.dir,
      manifest: loaded.manifest,
      entryPath: loaded.ok ? loaded.entryPath : null,
      unavailableReason: loaded.ok ? null : loaded.reason,
      limits,
      hooks,
      breaker: this.breaker,
      inspector: this.inspector,
      changed: () => hooks.onChange(this),
    });
  }

  /** Generation of the serving process (0 before the first start; a promoted standby counts as one). */
  get generation(): number {
    return this.life.generation;
  }

  /** Time from the last crash to the next ready process, ms (null before the first recovery). */
  get lastRecoveryMs(): number | null {
    return this.life.lastRecoveryMs;
  }

  /** The internal phase (tests, logs). */
  get currentPhase(): SlotPhase {
    return this.life.phase;
  }

  /** The current process, if any (tests use it to reach an old generation). */
  get currentProcess(): PluginProcess | null {
    return this.life.process;
  }

  /** Where the plugin's standby process is. */
  get standbyState(): StandbyState {
    return this.life.standbyState;
  }

  /** Marks the slot UNAVAILABLE for a reason found outside it (a duplicate name). */
  markUnavailable(reason: string): void {
    this.life.markUnavailable(reason);
  }

  /**
   * The serving process when the plugin is RUNNING with its breaker closed (no side effects, no
   * promise: the common case of a call), else null and the caller goes through {@link acquire}.
   */
  tryAcquire(): Lease | null {
    const proc = this.life.process;
    if (this.life.phase !== 'RUNNING' || proc === null || !proc.usable || this.breaker.isOpen) return null;
    this.life.used(Date.now(), false);
    return { ok: true, proc, probe: false };
  }

  /** Finds a usable process for one call: breaker gate, backoff wait, single-flight start. */
  async acquire(signal?: AbortSignal): Promise<Lease> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const gate = this.gate();
      if (!gate.ok) return gate;
      this.life.used(Date.now(), false);
      const current = this.life.process;
      if (current?.usable) return { ok: true, proc: current, probe: gate.probe };
      // Being killed (a timeout, the watchdog): wait until its end is booked, then restart as usual.
      const dying = current && current.readyAt !== null ? current.whenFinished() : null;
      const waiting = dying
        ? dying.then((): StartOutcome => ({ ok: true }))
        : (this.life.restarting ?? this.life.start());
      const outcome = await raceAbort(waiting, signal);
      if (outcome === 'aborted') {
        if (gate.probe) this.breaker.cancelProbe();
        return { ok: false, kind: 'aborted', message: 'the call was aborted while the plugin was starting' };
      }
      if (!outcome.ok) return { ok: false, kind: 'unavailable', message: this.reason() ?? outcome.message };
      const proc = this.life.process;
      if (proc?.usable) return { ok: true, proc, probe: gate.probe };
      if (gate.probe) this.breaker.cancelProbe();
    }
    return { ok: false, kind: 'crashed', message: 'the plugin process kept dying while it started; try again' };
  }

  /**
   * Books a settled call: counters, breaker probe, inspector (its error is `owner`'s: the calling
   * tenant's, as its message may carry the call's data), idle timer, hotness (standby).
   */
  release(
    lease: Lease,
    tool: string,
    ok: boolean,
    kind: string | null,
    message: string | null,
    owner: EntryOwner,
  ): void {
    if (ok) {
      this.successCount++;
      this.life.callSucceeded();
    } else {
      this.errorCount++;
      this.inspector.recordError(`${kind}: ${message}`, tool, owner);
    }
    if (lease.ok && lease.probe) {
      if (kind === 'aborted') this.breaker.cancelProbe();
      else this.breaker.probeSucceeded();
      this.hooks.onChange(this);
    }
    this.life.callSettled(Date.now(), lease.ok);
  }

  /** Contract §9 health: the four public states, an actionable reason, counters, uptime. */
  health(now = Date.now()): PluginHealth {
    return slotHealth(this.healthInput(), now);
  }

  /** The inspector view with the warnings and errors `viewer` may see. */
  inspect(viewer: InspectorViewer): PluginInspector {
    return this.inspector.view(this.health(), this.manifest, viewer);
  }

  /** Stops the process for good (host close). */
  close(graceMs: number): Promise<void> {
    return this.life.close(graceMs);
  }

  /** Why the plugin is not RUNNING (or what it recovers from), with the next retry. */
  reason(now = Date.now()): string | undefined {
    return slotReason(this.healthInput(), now);
  }

  private healthInput(): SlotHealthInput {
    const { life } = this;
    return {
      name: this.name,
      manifest: this.manifest,
      phase: life.phase,
      unavailableReason: life.unavailableReason,
      breaker: this.breaker.describe(),
      failure: life.failure,
      retryAt: life.retryAt,
      readyAt: life.process?.readyAt ?? null,
      successCount: this.successCount,
      errorCount: this.errorCount,
    };
  }

  private gate(): { ok: true; probe: boolean } | { ok: false; kind: 'unavailable'; message: string } {
    const { phase, retryAt } = this.life;
    if (phase === 'STOPPED') return { ok: false, kind: 'unavailable', message: 'the plugin host is closed' };
    if (phase === 'UNAVAILABLE') return { ok: false, kind: 'unavailable', message: this.reason() ?? '' };
    const admitted = this.breaker.admit();
    if (!admitted.ok) return { ok: false, kind: 'unavailable', message: admitted.message };
    if (phase === 'FAILED' && !admitted.probe && retryAt !== null && Date.now() < retryAt) {
      return { ok: false, kind: 'unavailable', message: this.reason() ?? 'failed' };
    }
    return { ok: true, probe: admitted.probe };
  }
}
