import type { ExtendedJobResponse, RunInfo, Scope } from '@easel/schemas';
import type { JobCreateRequest } from '../jobs/JobsClient.ts';
import type { RunTask } from '../runs/runInfo.ts';
import type { ApiContext, ApiError } from './requestJson.ts';
import type { Result } from './Result.ts';
import type { RestKit } from './restKit.ts';

/**
 * The HTTP calls of jobs and runs, loaded with the first one (a separate chunk in browser bundles).
 * Never reject: refusals are coded values.
 */

/** `POST /v1/jobs` (not retried: a repeat would start a second job). */
export async function createJob(
  kit: RestKit,
  ctx: ApiContext,
  request: JobCreateRequest & { scope: Scope },
): Promise<Result<ExtendedJobResponse, ApiError>> {
  const created = await kit.requestJson(ctx, { method: 'POST', path: '/v1/jobs', body: request });
  if (!created.ok) return created;
  return parseJob(kit, ctx, 'POST /v1/jobs', created.value);
}

/** `GET /v1/jobs/{job_id}?<scope>`. */
export async function getJob(
  kit: RestKit,
  ctx: ApiContext,
  jobId: string,
  scope: Scope,
): Promise<Result<ExtendedJobResponse, ApiError>> {
  const got = await kit.requestJson(ctx, {
    method: 'GET',
    path: `/v1/jobs/${encodeURIComponent(jobId)}?${kit.scopeQuery(scope)}`,
  });
  if (!got.ok) return got;
  return parseJob(kit, ctx, 'GET /v1/jobs/{job_id}', got.value);
}

async function parseJob(kit: RestKit, ctx: ApiContext, what: string, json: unknown) {
  const parsed = (await kit.answerParser(ctx.deps.validate, 'extendedJobResponse')).safeParse(json);
  return parsed.success
    ? { ok: true as const, value: parsed.data }
    : kit.protocolError(what, kit.describeIssues(parsed.error));
}

/** `POST /v1/runs` with `{scope, task}` (`verify` defaults to `{}`): the new run's id. Not retried. */
export async function createRun(
  kit: RestKit,
  ctx: ApiContext,
  scope: Scope,
  task: RunTask,
): Promise<Result<string, ApiError>> {
  const body = { scope, task: { ...task, verify: task.verify ?? {} } };
  const created = await kit.requestJson(ctx, { method: 'POST', path: '/v1/runs', body });
  if (!created.ok) return created;
  const parsed = (await kit.answerParser(ctx.deps.validate, 'runCreated')).safeParse(created.value);
  if (!parsed.success) return kit.protocolError('POST /v1/runs', 'expected {run_id}');
  return { ok: true, value: parsed.data.run_id };
}

/** `GET /v1/runs/{run_id}?<scope>`: the run's status, task, usage, verdict and revisions. */
export async function getRun(
  kit: RestKit,
  ctx: ApiContext,
  runId: string,
  scope: Scope,
): Promise<Result<RunInfo, ApiError>> {
  const got = await kit.requestJson(ctx, {
    method: 'GET',
    path: `/v1/runs/${encodeURIComponent(runId)}?${kit.scopeQuery(scope)}`,
  });
  if (!got.ok) return got;
  const parsed = (await kit.answerParser(ctx.deps.validate, 'runInfo')).safeParse(got.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return kit.protocolError('GET /v1/runs/{run_id}', kit.describeIssues(parsed.error));
}
