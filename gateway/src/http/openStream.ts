import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamKind } from '../core/fanout/FanoutMetrics.ts';
import { CLIENT_CLOSED } from '../core/fanout/FanoutStream.ts';
import { parseScope } from '../core/scope/parseScope.ts';
import { requestBearerToken } from './authenticate.ts';
import type { HttpDeps } from './HttpDeps.ts';
import { ResponseSink } from './ResponseSink.ts';
import { scopeFromQuery } from './routes/queryScope.ts';
import { sendRawError } from './sendError.ts';

/** The resume cursor: `Last-Event-ID` (what EventSource sends on reconnect) wins over `?after=`. */
function resumeCursor(
  header: unknown,
  after: unknown,
): { ok: true; value: string | null } | { ok: false; message: string } {
  if (typeof header === 'string' && header !== '') return { ok: true, value: header };
  if (after === undefined || after === '') return { ok: true, value: null };
  if (typeof after !== 'string') return { ok: false, message: '?after= must be given once' };
  return { ok: true, value: after };
}

/**
 * `?paint=` of a canvas stream: `state` (snapshots of a full viewer carry the JSON `state` beside
 * `update`, to paint before decoding it) or `update` (the default: `update` only).
 */
function paintOption(paint: unknown): { ok: true; value: boolean } | { ok: false; message: string } {
  if (paint === undefined || paint === '' || paint === 'update') return { ok: true, value: false };
  if (paint === 'state') return { ok: true, value: true };
  return { ok: false, message: `?paint= must be "state" or "update" (given ${JSON.stringify(paint)})` };
}

/**
 * Opens an SSE stream (contract §4) on a plain `node:http` request/response: auth (header or
 * `?access_token=`), scope and canvas existence are checked first, so those failures are
 * ordinary contract §3 JSON errors carrying `requestId`; then fan-out owns the response.
 *
 * Nothing here outlives the call but the {@link ResponseSink} (and the response it holds):
 * `query` and the parsed scope input are dropped once the stream is open.
 *
 * @param canvasId the decoded `:canvas_id` path parameter (`null` for `/v1/realtime`).
 * @param query the parsed query string (`node:querystring`, as Express's `simple` parser).
 */
export async function openStream(
  req: IncomingMessage,
  res: ServerResponse,
  deps: HttpDeps,
  kind: StreamKind,
  canvasId: string | null,
  query: Record<string, unknown>,
  requestId: string,
): Promise<void> {
  const token = requestBearerToken(req, query.access_token, { allowQueryToken: true });
  if (!token.ok) return sendRawError(res, requestId, 'unauthenticated', token.message);
  const verified = await deps.verifier.verify(token.value);
  if (!verified.ok) {
    const e = verified.error;
    return sendRawError(res, requestId, e.code, e.message, e.details);
  }
  if (req.method !== 'GET') {
    const path = (req.url ?? '').split('?')[0];
    return sendRawError(res, requestId, 'not_found', `no route ${req.method} ${path}: streams are opened with GET`);
  }
  const principal = verified.value;
  const scope = parseScope(principal, scopeFromQuery(query), {
    canvas: kind === 'canvas' ? 'required' : 'optional',
    ...(canvasId === null ? {} : { fromPath: { canvas_id: canvasId } }),
  });
  if (!scope.ok) {
    const e = scope.error;
    return sendRawError(res, requestId, e.code, e.message, e.details);
  }
  const after = resumeCursor(req.headers['last-event-id'], query.after);
  if (!after.ok) return sendRawError(res, requestId, 'validation_failed', after.message);
  const paint = paintOption(query.paint);
  if (!paint.ok)
    return sendRawError(res, requestId, 'validation_failed', paint.message, {
      issues: [{ path: 'paint', message: paint.message }],
    });
  const sink = new ResponseSink(res, deps.scheduler, { headers: { 'x-request-id': requestId } });
  const opened = await deps.hub.open({
    principal,
    scope: scope.value,
    kind,
    after: after.value,
    sink,
    paintState: paint.value,
  });
  if (!opened.ok) {
    const e = opened.error;
    if (!res.headersSent) sendRawError(res, requestId, e.code, e.message, e.details);
    else res.end();
    return;
  }
  // The client went away while the stream opened, or goes away later: close it. The sink's own
  // close listener does this (no AbortController, no extra listener per stream).
  if (sink.clientGone) opened.value.close(CLIENT_CLOSED);
  else sink.onClientGone = opened.value.close;
}
