import { type ExtendedJobResponse, partitionId, type Scope } from '@easel/schemas';
import type { Principal } from '../core/auth/Principal.ts';
import { fail, ok, type Result } from '../core/errors/GatewayError.ts';
import type { LensView } from '../core/lens/LensView.ts';
import { projectDerivedPayload } from '../core/redactDerived.ts';
import { type JobRecord, jobResponse } from './JobRecord.ts';
import type { LensSource } from './mayRunPlugins.ts';

/**
 * `GET /v1/jobs/{job_id}` as the caller may see it: the same rule as its `job_completed` event
 * on the streams (`projectEvent`): whole when the caller's lens reads everything the job's
 * frames carried (`record.derived_from`), else without what the plugins computed (`result`,
 * warnings, error text) and with `redacted: true`. Never throws.
 */
export async function projectJobResponse(
  core: LensSource,
  principal: Principal,
  scope: Scope,
  record: JobRecord,
): Promise<Result<ExtendedJobResponse>> {
  let view: LensView;
  try {
    view = await core.lensView(principal, partitionId(scope));
  } catch {
    return fail('unavailable', 'the lens policy could not be read; retry');
  }
  const response = jobResponse(record);
  const shown = projectDerivedPayload(view, 'job_completed', response, record.derived_from ?? null);
  if (shown !== null) return ok(shown as ExtendedJobResponse);
  const { job_id, status, device_requested, device_used, fallback, frames } = response;
  return ok({ job_id, status, device_requested, device_used, fallback, frames, redacted: true });
}
