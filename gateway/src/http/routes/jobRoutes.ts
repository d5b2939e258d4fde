import type { Router } from 'express';
import { parseScope } from '../../core/scope/parseScope.ts';
import { authenticate, principalOf } from '../authenticate.ts';
import type { HttpDeps } from '../HttpDeps.ts';
import { routeBodyLimit } from '../bodyRoutes.ts';
import { bodyBudgetOf } from '../BodyBudget.ts';
import { jsonBody } from '../jsonBody.ts';
import { sendError } from '../sendError.ts';
import { pathParam, queryScope } from './queryScope.ts';

/**
 * Jobs (contract §9): `POST /v1/jobs` `{scope, pipeline, device_requested, fps?, input}` → 202
 * `ExtendedJobResponse` (with `Location`); `GET /v1/jobs/{job_id}?<scope>` → 200, or 404 when the
 * scope's project has no such job (another tenant's or project's job is never visible).
 */
export function jobRoutes(router: Router, deps: HttpDeps): void {
  const auth = authenticate(deps.verifier);
  const body = jsonBody(routeBodyLimit(deps, 'job'), bodyBudgetOf(deps));

  router.post('/v1/jobs', auth, ...body, async (req, res) => {
    const result = await deps.jobs.submit(principalOf(res), req.body);
    if (!result.ok) return sendError(res, result.error);
    const scope = (req.body as { scope: Record<string, string> }).scope;
    const query = new URLSearchParams();
    for (const key of ['tenant_id', 'project_id', 'app_id', 'surface_id', 'mode']) query.set(key, scope[key]!);
    res.setHeader('location', `/v1/jobs/${result.value.job_id}?${query}`);
    res.status(202).json(result.value);
  });

  router.get('/v1/jobs/:job_id', auth, async (req, res) => {
    const principal = principalOf(res);
    const scope = parseScope(principal, queryScope(req), { canvas: 'optional' });
    if (!scope.ok) return sendError(res, scope.error);
    const result = await deps.jobs.get(principal, scope.value, pathParam(req, 'job_id'));
    if (!result.ok) return sendError(res, result.error);
    res.status(200).json(result.value);
  });
}
