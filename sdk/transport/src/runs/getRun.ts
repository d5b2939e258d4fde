import type { RunInfo, Scope } from '@easel/schemas';
import { runInfoGuard } from '@easel/schemas/guards';
import { type ApiContext, type ApiError, protocolError, requestJson } from '../lib/requestJson.ts';
import { type Result, ok } from '../lib/Result.ts';
import { scopeQuery } from '../scopeQuery.ts';
import { describeIssues, parserFor } from '../lib/validation.ts';

/** `GET /v1/runs/{run_id}?<scope>`: the run's status, task, usage, verdict and revisions. Never rejects. */
export async function getRun(ctx: ApiContext, runId: string, scope: Scope): Promise<Result<RunInfo, ApiError>> {
  const got = await requestJson(ctx, {
    method: 'GET',
    path: `/v1/runs/${encodeURIComponent(runId)}?${scopeQuery(scope)}`,
  });
  if (!got.ok) return got;
  const parsed = (await parserFor(ctx.deps.validate, runInfoGuard, 'runInfoSchema')).safeParse(got.value);
  if (parsed.success) return ok(parsed.data);
  return protocolError('GET /v1/runs/{run_id}', describeIssues(parsed.error));
}
