import { ERROR_CODES, type ErrorCode } from '@easel/schemas';
import type { ServerResponse } from 'node:http';
import type { Response } from 'express';
import type { GatewayError } from '../core/errors/GatewayError.ts';
import { requestIdOf } from './requestContext.ts';
import { sendJson } from './sendJson.ts';

/** Answers a GatewayError as the contract §3 body, with the request's id. */
export function sendError(res: Response, error: GatewayError): void {
  sendErrorCode(res, error.code, error.message, error.details);
}

/** Answers `{error: {code, message, details?, request_id}}` with the code's status. */
export function sendErrorCode(res: Response, code: ErrorCode, message: string, details?: unknown): void {
  if (res.headersSent) {
    // An SSE stream already began: there is no status left to change.
    res.end();
    return;
  }
  res.status(ERROR_CODES[code].status).json({ error: errorBody(code, message, details, requestIdOf(res)) });
}

/** The contract §3 error object (`details` is always an object when present). */
export function errorBody(
  code: ErrorCode,
  message: string,
  details: unknown,
  requestId: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = { code, message };
  if (details !== undefined && details !== null && typeof details === 'object' && !Array.isArray(details)) {
    body.details = details;
  } else if (details !== undefined) {
    body.details = { value: details };
  }
  body.request_id = requestId;
  return body;
}

/**
 * {@link sendErrorCode} on a plain `node:http` response (no Express): the same body, status and
 * `x-request-id` header.
 */
export function sendRawError(
  res: ServerResponse,
  requestId: string,
  code: ErrorCode,
  message: string,
  details?: unknown,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.setHeader('x-request-id', requestId);
  sendJson(res, ERROR_CODES[code].status, { error: errorBody(code, message, details, requestId) });
}
