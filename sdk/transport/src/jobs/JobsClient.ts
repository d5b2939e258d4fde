import type { ExtendedJobResponse, JobRequest, Scope } from '@easel/schemas';
import type { ApiContext, ApiError } from '../lib/requestJson.ts';
import type { Result } from '../lib/Result.ts';
import { REST_KIT } from '../lib/restKit.ts';

/** A job as sent: the scope defaults to the client's. */
export type JobCreateRequest = Omit<JobRequest, 'scope'> & { readonly scope?: Scope };

export interface JobsClientOptions extends ApiContext {
  /** The scope jobs run in (default for `create`, and the query of `get`). */
  readonly scope: () => Scope;
}

/**
 * Jobs (contract §9): `create` (`POST /v1/jobs`, 202 with the `ExtendedJobResponse`) and `get`
 * (`GET /v1/jobs/{job_id}`). Progress and completion stream as events on the canvas stream and
 * `/v1/realtime`. Never rejects: refusals are coded values (`validation_failed` with the path,
 * `forbidden` for read-only roles, `not_found`, `unavailable`).
 */
export class JobsClient {
  readonly #options: JobsClientOptions;

  constructor(options: JobsClientOptions) {
    this.#options = options;
  }

  /** Starts a job (not retried: a repeat would start a second job). */
  async create(request: JobCreateRequest): Promise<Result<ExtendedJobResponse, ApiError>> {
    const { createJob } = await import('../lib/restCalls.ts');
    return createJob(REST_KIT, this.#options, { ...request, scope: request.scope ?? this.#options.scope() });
  }

  /** The job's status, device, frames, progress, timings, warnings and (once done) result. */
  async get(jobId: string, options: { scope?: Scope } = {}): Promise<Result<ExtendedJobResponse, ApiError>> {
    const { getJob } = await import('../lib/restCalls.ts');
    return getJob(REST_KIT, this.#options, jobId, options.scope ?? this.#options.scope());
  }
}
