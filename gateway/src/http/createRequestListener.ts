import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type pino from 'pino';
import type { StreamKind } from '../core/fanout/FanoutMetrics.ts';
import { fastUlid as ulid } from '../core/ids/fastUlid.ts';
import { answerBeforeContinue } from './answerBeforeContinue.ts';
import type { GatewayListener } from './createHttpServer.ts';
import type { HttpDeps } from './HttpDeps.ts';
import { openStream } from './openStream.ts';
import { serveCommand } from './serveCommand.ts';
import { sendRawError } from './sendError.ts';

const CANVASES_PREFIX = '/v1/canvases/';
const CANVAS_EVENTS_TAIL = /^([^/]+)\/events\/?$/;

/**
 * The gateway's `request` listener: the two SSE GETs (`/v1/canvases/:canvas_id/events`,
 * `/v1/realtime`) and the usual command POSTs (`serveCommand`) are served on plain `node:http`,
 * everything else goes to `app` (Express).
 *
 * Why: an idle stream lives for hours, and Express gives each request/response its own
 * prototype chain (a hidden class per stream), routing state and parsed URL/query kept alive
 * with the response. Served here, an open stream holds the plain response, its
 * `ResponseSink` and nothing else. Behaviour matches the Express routes (`streamRoutes.ts`):
 * same path matching (case-sensitive, optional trailing slash), query parser
 * (`node:querystring`, Express's `simple`), `x-request-id`, and contract §3 errors.
 *
 * An HTTP/1.1 request without `Host` is refused here (400 `validation_failed`, RFC 9112 §3.2),
 * as node would, but with a contract §3 body (`createHttpServer` turns node's bare 400 off).
 *
 * Its `beforeContinue` ({@link answerBeforeContinue}) refuses an `Expect: 100-continue` request
 * whose body the route would refuse anyway (over the limit, no token) before it is uploaded.
 */
export function createRequestListener(app: RequestListener, deps: HttpDeps): GatewayListener {
  const listener: RequestListener = (req, res) => {
    if (req.headers.host === undefined && req.httpVersionMinor === 1 && req.httpVersionMajor === 1) {
      res.shouldKeepAlive = false;
      sendRawError(res, ulid(), 'validation_failed', 'an HTTP/1.1 request needs a Host header; send "Host: <host>"');
      return;
    }
    const method = req.method;
    if (method === 'GET') {
      if (serveStream(req, res, deps)) return;
    } else if (method === 'POST' && serveCommand(req, res, deps)) return;
    app(req, res);
  };
  return Object.assign(listener, { beforeContinue: answerBeforeContinue(deps) });
}

/** Serves `req` if it is a stream GET; false if it belongs to Express. */
function serveStream(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): boolean {
  const url = req.url ?? '';
  if (url.charCodeAt(0) !== 47 /* '/' */ || url.includes('#')) return false;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  let kind: StreamKind;
  let canvasId: string | null = null;
  if (path === '/v1/realtime' || path === '/v1/realtime/') {
    kind = 'realtime';
  } else if (path.startsWith(CANVASES_PREFIX)) {
    const m = CANVAS_EVENTS_TAIL.exec(path.slice(CANVASES_PREFIX.length));
    if (m === null) return false;
    try {
      canvasId = decodeURIComponent(m[1]!);
    } catch {
      return false; // Express answers the undecodable parameter (400 validation_failed)
    }
    kind = 'canvas';
  } else {
    return false;
  }
  const query = q === -1 ? {} : (parseQuery(url.slice(q + 1)) as Record<string, unknown>);
  const requestId = ulid();
  if (deps.logger.isLevelEnabled('debug')) logOnClose(deps.logger, req, res, path, requestId);
  void guarded(req, res, deps, kind, canvasId, query, requestId, path);
  return true;
}

async function guarded(
  req: IncomingMessage,
  res: ServerResponse,
  deps: HttpDeps,
  kind: StreamKind,
  canvasId: string | null,
  query: Record<string, unknown>,
  requestId: string,
  path: string,
): Promise<void> {
  try {
    await openStream(req, res, deps, kind, canvasId, query, requestId);
  } catch (err) {
    deps.logger.error({ err, request_id: requestId, method: req.method, path }, 'unexpected error');
    if (res.headersSent) res.destroy();
    else sendRawError(res, requestId, 'unavailable', 'the gateway could not serve this request; retry later');
  }
}

/** The debug request log line of `requestContext`, for streams served here. */
function logOnClose(
  logger: pino.Logger,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  requestId: string,
): void {
  const started = performance.now();
  res.once('close', () => {
    logger.debug(
      {
        request_id: requestId,
        method: req.method,
        path,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  });
}
