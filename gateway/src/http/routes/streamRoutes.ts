import type { Request, Response, Router } from 'express';
import type { StreamKind } from '../../core/fanout/FanoutMetrics.ts';
import { CLIENT_CLOSED } from '../../core/fanout/FanoutStream.ts';
import { parseScope } from '../../core/scope/parseScope.ts';
import { authenticate, principalOf } from '../authenticate.ts';
import type { HttpDeps } from '../HttpDeps.ts';
import { requestIdOf } from '../requestContext.ts';
import { ResponseSink } from '../ResponseSink.ts';
import { sendError, sendErrorCode } from '../sendError.ts';
import { pathParam, queryScope } from './queryScope.ts';

/**
 * The SSE streams (contract §4): `GET /v1/canvases/:canvas_id/events` and `GET /v1/realtime`.
 * Auth (header or `?access_token=`), scope and canvas existence are checked before the stream
 * opens, so those failures are ordinary JSON errors; then fan-out owns the response.
 */
export function streamRoutes(router: Router, deps: HttpDeps): void {
  const auth = authenticate(deps.verifier, { allowQueryToken: true });

  router.get('/v1/canvases/:canvas_id/events', auth, (req, res) =>
    openStream(req, res, deps, 'canvas', { canvas_id: pathParam(req, 'canvas_id') }),
  );
  router.get('/v1/realtime', auth, (req, res) => openStream(req, res, deps, 'realtime', {}));
}

/** The resume cursor: `Last-Event-ID` (what EventSource sends on reconnect) wins over `?after=`. */
function resumeCursor(req: Request): { ok: true; value: string | null } | { ok: false; message: string } {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string' && header !== '') return { ok: true, value: header };
  const after = (req.query as Record<string, unknown>).after;
  if (after === undefined || after === '') return { ok: true, value: null };
  if (typeof after !== 'string') return { ok: false, message: '?after= must be given once' };
  return { ok: true, value: after };
}

async function openStream(
  req: Request,
  res: Response,
  deps: HttpDeps,
  kind: StreamKind,
  fromPath: Record<string, string>,
): Promise<void> {
  if (req.method !== 'GET') {
    sendErrorCode(res, 'not_found', `no route ${req.method} ${req.path}: streams are opened with GET`);
    return;
  }
  const principal = principalOf(res);
  const scope = parseScope(principal, queryScope(req, fromPath), {
    canvas: kind === 'canvas' ? 'required' : 'optional',
  });
  if (!scope.ok) return sendError(res, scope.error);
  const after = resumeCursor(req);
  if (!after.ok) return sendErrorCode(res, 'validation_failed', after.message);
  const sink = new ResponseSink(res, deps.scheduler, { headers: { 'x-request-id': requestIdOf(res) } });
  const opened = await deps.hub.open({ principal, scope: scope.value, kind, after: after.value, sink });
  if (!opened.ok) {
    if (!res.headersSent) sendError(res, opened.error);
    else res.end();
    return;
  }
  // The client went away while the stream opened, or goes away later: close it. The sink's own
  // close listener does this (no AbortController, no extra listener per stream).
  if (sink.clientGone) opened.value.close(CLIENT_CLOSED);
  else sink.onClientGone = opened.value.close;
  releaseRequest(req);
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
