import { slugSchema } from '@easel/schemas';
import type { Response, Router } from 'express';
import { authenticate, principalOf } from '../authenticate.ts';
import type { HttpDeps } from '../HttpDeps.ts';
import { routeBodyLimit } from '../bodyRoutes.ts';
import { bodyBudgetOf } from '../BodyBudget.ts';
import { jsonBody } from '../jsonBody.ts';
import { sendError, sendErrorCode } from '../sendError.ts';
import { pathParam } from './queryScope.ts';

/** Checks a path slug; answers 400 naming it when malformed. */
function pathSlug(res: Response, name: string, value: string | undefined): value is string {
  if (value !== undefined && slugSchema.safeParse(value).success) return true;
  sendErrorCode(res, 'validation_failed', `${name}: must be a slug matching ^[a-z0-9][a-z0-9_.-]{0,63}$`, {
    issues: [{ path: name, message: 'must be a slug' }],
  });
  return false;
}

/**
 * Project-level endpoints (tenant from the token): lens policy (contract §6) and canvas types
 * (contract §5).
 */
export function projectRoutes(router: Router, deps: HttpDeps): void {
  const auth = authenticate(deps.verifier);
  const lensBody = jsonBody(routeBodyLimit(deps, 'lensPolicy'), bodyBudgetOf(deps));
  const canvasTypeBody = jsonBody(routeBodyLimit(deps, 'canvasType'), bodyBudgetOf(deps));

  router.get('/v1/projects/:project_id/lens', auth, async (req, res) => {
    if (!pathSlug(res, 'project_id', pathParam(req, 'project_id'))) return;
    const result = await deps.core.getLensPolicy(principalOf(res), pathParam(req, 'project_id'));
    if (!result.ok) return sendError(res, result.error);
    res.status(200).json(result.value);
  });

  router.put('/v1/projects/:project_id/lens', auth, ...lensBody, async (req, res) => {
    if (!pathSlug(res, 'project_id', pathParam(req, 'project_id'))) return;
    const result = await deps.core.putLensPolicy(principalOf(res), pathParam(req, 'project_id'), req.body);
    if (!result.ok) return sendError(res, result.error);
    res.status(200).json(result.value);
  });

  router.get('/v1/projects/:project_id/canvas-types', auth, async (req, res) => {
    if (!pathSlug(res, 'project_id', pathParam(req, 'project_id'))) return;
    const result = await deps.core.listCanvasTypes(principalOf(res), pathParam(req, 'project_id'));
    if (!result.ok) return sendError(res, result.error);
    res.status(200).json(result.value);
  });

  router.get('/v1/projects/:project_id/canvas-types/:type', auth, async (req, res) => {
    if (!pathSlug(res, 'project_id', pathParam(req, 'project_id'))) return;
    const result = await deps.core.getCanvasType(
      principalOf(res),
      pathParam(req, 'project_id'),
      pathParam(req, 'type'),
    );
    if (!result.ok) return sendError(res, result.error);
    res.status(200).json(result.value);
  });

  router.put('/v1/projects/:project_id/canvas-types/:type', auth, ...canvasTypeBody, async (req, res) => {
    if (!pathSlug(res, 'project_id', pathParam(req, 'project_id'))) return;
    const result = await deps.core.putCanvasType(
      principalOf(res),
      pathParam(req, 'project_id'),
      pathParam(req, 'type'),
      req.body,
    );
    if (!result.ok) return sendError(res, result.error);
    res.status(200).json(result.value);
  });
}
