import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { jsonShapeProblem } from '../core/json/jsonShapeProblem.ts';
import { sendErrorCode } from './sendError.ts';

/**
 * Why a body with bytes that are not UTF-8 is refused (decoding would turn them into U+FFFD
 * silently, and a command would store text the client never sent).
 */
export const NOT_UTF8 = 'the request body is not valid UTF-8; send the JSON encoded as UTF-8';

/** Human-readable byte size: 1 MiB, 8 MiB, 512 KiB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** The message of a 413 `payload_too_large` answer: the body is over `limitBytes`. */
export function bodyTooLargeMessage(limitBytes: number): string {
  return `the request body is over the limit of ${formatBytes(limitBytes)}`;
}

/**
 * Requires a JSON body (`Content-Type: application/json` or `+json`) of at most `limitBytes`,
 * parsed strictly (an object or array). Errors are contract §3 bodies via the error handler:
 * 400 `validation_failed` for a wrong content type, malformed JSON or a shape no body may have
 * (`jsonShapeProblem`: nested too deep, a `__proto__` key) or bytes that are not UTF-8 (when that
 * is the charset), 413 `payload_too_large`.
 */
export function jsonBody(limitBytes: number) {
  const parse = express.json({ limit: limitBytes, strict: true, type: () => true, verify: refuseInvalidUtf8 });
  return [
    (req: Request, res: Response, next: NextFunction): void => {
      const type = req.headers['content-type'];
      if (type === undefined || type === '') {
        sendErrorCode(res, 'validation_failed', 'the request needs a JSON body with "Content-Type: application/json"');
        return;
      }
      if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type)) {
        sendErrorCode(res, 'validation_failed', `Content-Type must be application/json, not "${type.slice(0, 100)}"`);
        return;
      }
      res.locals.bodyLimit = limitBytes;
      next();
    },
    parse,
    (req: Request, res: Response, next: NextFunction): void => {
      const problem = jsonShapeProblem(req.body);
      if (problem === null) {
        next();
        return;
      }
      const { path, message } = problem;
      sendErrorCode(res, 'validation_failed', `${path}: ${message}`, { issues: [{ path, message }] });
    },
  ];
}

/** A declared `charset` parameter (lower case), or undefined. */
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/**
 * body-parser's `verify` hook (it sees the bytes after any `Content-Encoding`): a UTF-8 body (the
 * default charset) must be valid UTF-8, else 400 with {@link NOT_UTF8}.
 */
function refuseInvalidUtf8(req: IncomingMessage, _res: unknown, body: Buffer): void {
  const charset = CHARSET.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8') return;
  if (!isUtf8(body)) throw Object.assign(new Error(NOT_UTF8), { status: 400, type: 'entity.verify.failed' });
}
