import type { Response, Router } from 'express';
import { authenticate, principalOf } from '../authenticate.ts';
import type { HttpDeps } from '../HttpDeps.ts';
import { routeBodyLimit } from '../bodyRoutes.ts';
import { bodyBudgetOf } from '../BodyBudget.ts';
import { jsonBody } from '../jsonBody.ts';
import { sendError, sendErrorCode } from '../sendError.ts';
import { pathParam, queryScope } from './queryScope.ts';

/** Answers 503 when this gateway runs without a sidecar store. */
function sidecarsOf(deps: HttpDeps, res: Response): NonNullable<HttpDeps['sidecars']> | null {
  if (deps.sidecars) return deps.sidecars;
  sendErrorCode(
    res,
    'unavailable',
    'this gateway has no sidecar store configured (easel serve starts one, or --s3 <url>)',
  );
  return null;
}

/**
 * Sidecars (contract §8), behind the TokenLens (§6); see `sidecars/SidecarService.ts`:
 * - `POST /v1/sidecars` `{scope, mime, size, sha256, frame_range?}` → 201 `{artifact_id, upload, expires_at}`;
 * - `POST /v1/sidecars/{artifact_id}/complete` `{scope}` → 200 `snapshot_created` payload + `cursor`;
 * - `GET /v1/sidecars/{artifact_id}?<scope>` → 200 `{url, expires_at}` (lens `sidecars.resolve`).
 * Answers carry `Cache-Control: no-store` (they hold signed URLs).
 */
export function sidecarRoutes(router: Router, deps: HttpDeps): void {
  const auth = authenticate(deps.verifier);
  const createBody = jsonBody(routeBodyLimit(deps, 'sidecar'), bodyBudgetOf(deps));
  const completeBody = jsonBody(routeBodyLimit(deps, 'sidecarComplete'), bodyBudgetOf(deps));

  router.post('/v1/sidecars', auth, ...createBody, async (req, res) => {
    const sidecars = sidecarsOf(deps, res);
    if (!sidecars) return;
    const result = await sidecars.create(principalOf(res), req.body);
    if (!result.ok) return sendError(res, result.error);
    res.setHeader('cache-control', 'no-store');
    res.status(201).json(result.value);
  });

  router.post('/v1/sidecars/:artifact_id/complete', auth, ...completeBody, async (req, res) => {
    const sidecars = sidecarsOf(deps, res);
    if (!sidecars) return;
    const result = await sidecars.complete(principalOf(res), pathParam(req, 'artifact_id'), req.body);
    if (!result.ok) return sendError(res, result.error);
    res.status(200).json(result.value);
  });

  router.get('/v1/sidecars/:artifact_id', auth, async (req, res) => {
    const sidecars = sidecarsOf(deps, res);
    if (!sidecars) return;
    const result = await sidecars.resolve(principalOf(res), pathParam(req, 'artifact_id'), queryScope(req));
    if (!result.ok) return sendError(res, result.error);
    res.setHeader('cache-control', 'no-store');
    res.status(200).json(result.value);
  });
}
