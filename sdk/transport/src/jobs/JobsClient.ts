import type { ExtendedJobResponse, JobRequest, Scope } from '@easel/schemas';
import { extendedJobResponseGuard } from '@easel/schemas/guards';
import { type ApiContext, type ApiError, protocolError, requestJson } from '../lib/requestJson.ts';
import { type Result, ok } from '../lib/Result.ts';
import { scopeQuery } from '../scopeQuery.ts';
import { type ValidationMode, describeIssues, parserFor } from '../lib/validation.ts';

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
    const body = { ...request, scope: request.scope ?? this.#options.scope() };
    const created = await requestJson(this.#options, { method: 'POST', path: '/v1/jobs', body });
    if (!created.ok) return created;
    return parseJob(this.#options.deps.validate, 'POST /v1/jobs', created.value);
  }

  /** The job's status, device, frames, progress, timings, warnings and (once done) result. */
  async get(jobId: string, options: { scope?: Scope } = {}): Promise<Result<ExtendedJobResponse, ApiError>> {
    const scope = options.scope ?? this.#options.scope();
    const got = await requestJson(this.#options, {
      method: 'GET',
      path: `/v1/jobs/${encodeURIComponent(jobId)}?${scopeQuery(scope)}`,
    });
    if (!got.ok) return got;
    return parseJob(this.#options.deps.validate, 'GET /v1/jobs/{job_id}', got.value);
  }
}

async function parseJob(mode: ValidationMode | undefined, what: string, json: unknown) {
  const parser = await parserFor(mode, extendedJobResponseGuard, 'extendedJobResponseSchema');
  const parsed = parser.safeParse(json);
  return parsed.success ? ok(parsed.data) : protocolError(what, describeIssues(parsed.error));
}
