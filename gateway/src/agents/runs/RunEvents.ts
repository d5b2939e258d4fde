import type { Actor, RunEvent, Scope } from '@easel/schemas';
import type pino from 'pino';
import type { RunCore } from './RunCore.ts';

/** Bounded retries of a durable run event whose append failed (storage hiccup). */
const ATTEMPTS = 3;

/**
 * Emits one run's events (contract §4 `run_event`): `token` and `thought` as telemetry on the bus
 * (best-effort), `tool` and `verdict` durably in the spine (appended before anyone sees them).
 * Every envelope carries the run's scope (`scope.run_id`) and the run's actor.
 */
export class RunEvents {
  constructor(
    private readonly core: Pick<RunCore, 'appendEvents' | 'publishTelemetry'>,
    readonly scope: Scope,
    readonly actor: Actor,
    private readonly logger?: pino.Logger,
  ) {}

  /** A non-durable event (`token`, `thought`). */
  telemetry(payload: RunEvent): void {
    try {
      this.core.publishTelemetry(this.scope, this.actor, 'run_event', payload);
    } catch (err) {
      this.logger?.warn({ err, run: this.scope.run_id }, 'run telemetry could not be published');
    }
  }

  /** A durable event (`tool`, `verdict`); resolves with its seq's cursor, or null when it could not be stored. */
  async durable(payload: RunEvent): Promise<string | null> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const r = await this.core.appendEvents(this.scope, this.actor, [{ type: 'run_event', payload }]);
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
