import type { Router } from 'express';
import { jsonWithCachedState } from '../../core/canvas/fullState.ts';
import { parseScope } from '../../core/scope/parseScope.ts';
import { authenticate, principalOf } from '../authenticate.ts';
import type { HttpDeps } from '../HttpDeps.ts';
import { integerQueryParam } from '../integerQueryParam.ts';
import { sendError, sendErrorCode } from '../sendError.ts';
import { pathParam, queryScope } from './queryScope.ts';

/** Turns a turn-history request returns by default, and at most (`?limit=`). */
const TURNS_DEFAULT = 20;
const TURNS_MAX = 50;

/**
 * `GET /v1/canvases/:canvas_id`, `/revisions` (contract §5) and `/turns` (the recent agent turns).
 * Scope from the query, canvas_id from the path.
 */
export function canvasRoutes(router: Router, deps: HttpDeps): void {
  const auth = authenticate(deps.verifier);

  router.get('/v1/canvases/:canvas_id', auth, async (req, res) => {
    const principal = principalOf(res);
    const scope = parseScope(principal, queryScope(req), {
      canvas: 'required',
      fromPath: { canvas_id: pathParam(req, 'canvas_id') },
    });
    if (!scope.ok) return sendError(res, scope.error);
    const result = await deps.core.readCanvas(principal, scope.value, { sharedState: true });
    if (!result.ok) return sendError(res, result.error);
    // A full viewer's large state: its cached JSON bytes (the same text as res.json would send).
    const { head, bytes, tail } = jsonWithCachedState(result.value);
    if (bytes === null) return void res.status(200).json(result.value);
    res.status(200);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(head) + bytes.length + Buffer.byteLength(tail));
    res.write(head);
    res.write(bytes);
    res.end(tail);
  });

  router.get('/v1/canvases/:canvas_id/revisions', auth, async (req, res) => {
    const principal = principalOf(res);
    const scope = parseScope(principal, queryScope(req), {
      canvas: 'required',
      fromPath: { canvas_id: pathParam(req, 'canvas_id') },
    });
    if (!scope.ok) return sendError(res, scope.error);
    const result = await deps.core.listRevisions(principal, scope.value);
    if (!result.ok) return sendError(res, result.error);
    res.status(200).json(result.value);
  });

  router.get('/v1/canvases/:canvas_id/turns', auth, async (req, res) => {
    const principal = principalOf(res);
    const scope = parseScope(principal, queryScope(req), {
      canvas: 'required',
      fromPath: { canvas_id: pathParam(req, 'canvas_id') },
    });
    if (!scope.ok) return sendError(res, scope.error);
    const limit = integerQueryParam(req.query as Record<string, unknown>, 'limit', {
      min: 1,
      max: TURNS_MAX,
      default: TURNS_DEFAULT,
    });
    if (!limit.ok) {
      return sendErrorCode(res, 'validation_failed', limit.message, {
        issues: [{ path: 'limit', message: limit.message.slice('limit: '.length) }],
      });
    }
    const result = await deps.core.listTurns(principal, scope.value, limit.value);
    if (!result.ok) return sendError(res, result.error);
    res.status(200).json(result.value);
  });
}
