import { type RunInfo, type Scope, runInfoSchema } from '@easel/schemas';
import { type ApiContext, type ApiError, protocolError, requestJson } from '../lib/requestJson.ts';
import { type Result, ok } from '../lib/Result.ts';
import { scopeQuery } from '../scopeQuery.ts';

/** `GET /v1/runs/{run_id}?<scope>`: the run's status, task, usage, verdict and revisions. Never rejects. */
export async function getRun(ctx: ApiContext, runId: string, scope: Scope): Promise<Result<RunInfo, ApiError>> {
  const got = await requestJson(ctx, {
    method: 'GET',
    path: `/v1/runs/${encodeURIComponent(runId)}?${scopeQuery(scope)}`,
  });
  if (!got.ok) return got;
  const parsed = runInfoSchema.safeParse(got.value);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  return protocolError('GET /v1/runs/{run_id}', issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid');
}
