import type { Request, Router } from 'express';
import type { HttpDeps } from '../HttpDeps.ts';
import { openStream } from '../openStream.ts';
import { requestIdOf } from '../requestContext.ts';
import { pathParam } from './queryScope.ts';

/**
 * The SSE streams (contract §4) on Express: `GET /v1/canvases/:canvas_id/events` and
 * `GET /v1/realtime`. A composed gateway serves GETs of these paths before Express
 * (`createRequestListener`); these routes answer what reaches Express (HEAD, or an app used
 * without that listener) with the same {@link openStream}.
 */
export function streamRoutes(router: Router, deps: HttpDeps): void {
  router.get('/v1/canvases/:canvas_id/events', async (req, res) => {
    await openStream(req, res, deps, 'canvas', pathParam(req, 'canvas_id'), queryOf(req), requestIdOf(res));
    releaseRequest(req);
  });
  router.get('/v1/realtime', async (req, res) => {
    await openStream(req, res, deps, 'realtime', null, queryOf(req), requestIdOf(res));
    releaseRequest(req);
  });
}

function queryOf(req: Request): Record<string, unknown> {
  return req.query as Record<string, unknown>;
}

/**
 * Drops what Express parsed for routing (URLs, query, params): an open stream keeps its request
 * object for as long as it lives, and needs none of it.
 */
function releaseRequest(req: Request): void {
  const r = req as unknown as Record<string, unknown>;
  for (const key of ['_parsedUrl', '_parsedOriginalUrl', 'params', 'route', 'query', 'body', 'next']) {
    if (Object.hasOwn(r, key)) r[key] = undefined;
  }
}
