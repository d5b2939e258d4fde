import type { Actor, RunEvent, Scope } from '@easel/schemas';
import type pino from 'pino';
import { DERIVED_FROM, type DerivedSourceSet } from '../../core/DerivedSources.ts';
import type { RunCore } from './RunCore.ts';

/** Bounded retries of a durable run event whose append failed (storage hiccup). */
const ATTEMPTS = 3;

/**
 * Emits one run's events (contract §4 `run_event`): `token` and `thought` as telemetry on the bus
 * (best-effort), `tool` and `verdict` durably in the spine (appended before anyone sees them).
 * Every envelope carries the run's scope (`scope.run_id`) and the run's actor, and every payload
 * the canvas content the run has read so far (internal `derived_from`: the model saw it, so
 * everything the run says or computes after is derived from it; see `projectEvent`).
 */
export class RunEvents {
  constructor(
    private readonly core: Pick<RunCore, 'appendEvents' | 'publishTelemetry'>,
    readonly scope: Scope,
    readonly actor: Actor,
    /** What the run has read so far (a run's execution adds to it). */
    readonly sources: DerivedSourceSet,
    private readonly logger?: pino.Logger,
  ) {}

  private stamped(payload: RunEvent): object {
    return { ...payload, [DERIVED_FROM]: this.sources.current };
  }

  /** A non-durable event (`token`, `thought`). */
  telemetry(payload: RunEvent): void {
    try {
      this.core.publishTelemetry(this.scope, this.actor, 'run_event', this.stamped(payload));
    } catch (err) {
      this.logger?.warn({ err, run: this.scope.run_id }, 'run telemetry could not be published');
    }
  }

  /** A durable event (`tool`, `verdict`); resolves with its seq's cursor, or null when it could not be stored. */
  async durable(payload: RunEvent): Promise<string | null> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const r = await this.core.appendEvents(this.scope, this.actor, [
        { type: 'run_event', payload: this.stamped(payload) },
      ]);
      if (r.ok) return r.value.cursor;
      if (r.error.code !== 'unavailable') {
        this.logger?.warn({ error: r.error, run: this.scope.run_id }, 'a run event was refused');
        return null;
      }
    }
    this.logger?.error({ run: this.scope.run_id }, 'a durable run event could not be stored');
    return null;
  }
}
