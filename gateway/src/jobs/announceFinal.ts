import type { Actor, Scope } from '@easel/schemas';
import type pino from 'pino';
import type { Result } from '../core/errors/GatewayError.ts';
import { finalEvents } from './finalEvents.ts';
import type { JobRecord } from './JobRecord.ts';

/** Appends durable events (`GatewayCore.appendEvents`). */
export interface DurableSink {
  appendEvents(
    scope: Scope,
    actor: Actor,
    events: ReadonlyArray<{ type: 'error' | 'job_completed'; payload: object }>,
  ): Promise<Result<{ cursor: string }>>;
}

/**
 * Appends a finished job's durable events (`error` when it failed, then `job_completed`) under the
 * job's scope and actor. A failure is logged: the job's record already holds the outcome.
 */
export async function announceFinal(
  sink: DurableSink,
  record: JobRecord,
  plugin: string | undefined,
  logger?: pino.Logger,
): Promise<void> {
  try {
    const appended = await sink.appendEvents(record.scope, record.actor, finalEvents(record, plugin));
    if (!appended.ok) logger?.warn({ job: record.job_id, error: appended.error }, 'job events not appended');
  } catch (err) {
    logger?.warn({ err, job: record.job_id }, 'job events not appended');
  }
}
