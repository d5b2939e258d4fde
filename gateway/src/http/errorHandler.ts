import type { NextFunction, Request, Response } from 'express';
import type pino from 'pino';
import { describeJsonBodyFailure } from './describeJsonBodyFailure.ts';
import { bodyTooLargeMessage } from './jsonBody.ts';
import { requestIdOf } from './requestContext.ts';
import { sendErrorCode } from './sendError.ts';

interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  message?: unknown;
  expose?: unknown;
}

/** Unknown routes: 404 `not_found` JSON. */
export function notFoundHandler(req: Request, res: Response): void {
  const path = req.path.length > 200 ? `${req.path.slice(0, 200)}…` : req.path;
  sendErrorCode(res, 'not_found', `no route ${req.method} ${path}`);
}

/**
 * The last middleware: maps what Express and body-parser throw to contract §3 errors.
 * Client mistakes (malformed JSON, oversized or undecodable bodies, bad percent-encoding) are
 * 4xx; anything unexpected is logged at error level and answered 503 `unavailable` — never 500.
 */
export function errorHandler(logger: pino.Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const e = (typeof err === 'object' && err !== null ? err : {}) as HttpishError;
    const status =
      typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
    const message = typeof e.message === 'string' ? e.message : String(err);
    if (e.type === 'entity.too.large' || status === 413) {
      const limit: unknown = res.locals.bodyLimit;
      const message = typeof limit === 'number' ? bodyTooLargeMessage(limit) : 'the request body is over the limit';
      sendErrorCode(res, 'payload_too_large', message);
      return;
    }
    if (e.type === 'entity.parse.failed') {
      sendErrorCode(res, 'validation_failed', describeJsonBodyFailure((err as { body?: unknown }).body, message));
      return;
    }
    if (status !== undefined && status >= 400 && status < 500) {
      const why = e.expose === false ? 'the request could not be read' : message.slice(0, 200);
      sendErrorCode(res, 'validation_failed', `bad request: ${why}`);
      return;
    }
    logger.error({ err, request_id: requestIdOf(res), method: req.method, path: req.path }, 'unexpected error');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendErrorCode(res, 'unavailable', 'the gateway could not serve this request; retry later');
  };
}
