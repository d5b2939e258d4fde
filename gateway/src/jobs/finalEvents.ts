import type { ErrorEventPayload, JobCompletedPayload } from '@easel/schemas';
import { DERIVED_FROM } from '../core/DerivedSources.ts';
import { type JobRecord, jobResponse } from './JobRecord.ts';
import { jsonBytes } from './sanitizeForEvent.ts';

/** Largest `job_completed` payload sent whole; above it `result` is left out (contract §4: 64 KiB per event). */
export const MAX_COMPLETED_PAYLOAD_BYTES = 48 * 1024;

/**
 * The durable events that end a job (contract §4/§9): `job_completed` with the final
 * `ExtendedJobResponse`, preceded by `error` when it failed. A result too large for an event is
 * left out (`result_omitted` says where to read it). Both carry the job's sources (internal
 * `derived_from`; absent in records older than it: then the events carry none either).
 */
export function finalEvents(
  record: JobRecord,
  plugin?: string,
): Array<{ type: 'error'; payload: ErrorEventPayload } | { type: 'job_completed'; payload: JobCompletedPayload }> {
  const stamp = record.derived_from !== undefined ? { [DERIVED_FROM]: record.derived_from } : {};
  let completed: JobCompletedPayload = { ...jobResponse(record), ...stamp };
  if (jsonBytes(completed) > MAX_COMPLETED_PAYLOAD_BYTES) {
    const { result: _result, ...rest } = completed;
    completed = { ...rest, result_omitted: `too large for an event: GET /v1/jobs/${record.job_id} has it` };
    if (jsonBytes(completed) > MAX_COMPLETED_PAYLOAD_BYTES) completed = { ...completed, warnings: [] };
  }
  if (record.status !== 'failed' || record.error === undefined) return [{ type: 'job_completed', payload: completed }];
  const error: ErrorEventPayload = {
    job_id: record.job_id,
    ...(plugin !== undefined ? { plugin } : {}),
    kind: record.error.kind,
    message: record.error.message || 'the job failed',
    ...stamp,
  };
  return [
    { type: 'error', payload: error },
    { type: 'job_completed', payload: completed },
  ];
}
