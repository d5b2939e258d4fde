import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { BODY_BUDGET_BUSY, type BodyBudget, setBodyBudgetBusyHeaders } from './BodyBudget.ts';
import { BodyIdleWatch, bodyIdleMessage, closeAfterAnswer } from './BodyIdleWatch.ts';
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
 *
 * Before body-parser buffers the body, what it may buffer is reserved in `budget` (see
 * {@link reserveBody}): when that is refused the answer is 503 `unavailable` with `Retry-After`,
 * the body is not read and the connection closes. A body that stops arriving (no byte for the
 * budget's `idleMs`, see `BodyIdleWatch`) is answered 400 `validation_failed`, its reservation
 * released at once, the connection closed; the route never sees it, even if the rest comes later.
 */
export function jsonBody(limitBytes: number, budget: BodyBudget) {
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
      if (!reserveBody(req, res, limitBytes, budget)) {
        setBodyBudgetBusyHeaders(res);
        sendErrorCode(res, 'unavailable', BODY_BUDGET_BUSY);
        return;
      }
      if (!req.complete) watchBodyIdle(req, res, budget);
      next();
    },
    parse,
    (req: Request, res: Response, next: NextFunction): void => {
      // Answered already: the body stopped arriving, then came after all (nothing is applied).
      if ((res as Reserving)[IDLE]) return;
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

/** What a response's body reservation holds, released when it closes. */
const RESERVED = Symbol('easel.bodyReserved');
/** The body of a response stopped arriving and was answered. */
const IDLE = Symbol('easel.bodyIdle');
type Reserving = Response & { [RESERVED]?: { budget: BodyBudget; bytes: number }; [IDLE]?: true };

/**
 * Reserves in `budget` what body-parser may buffer for `req` (it buffers internally): the declared
 * `Content-Length` of an identity-encoded body, else (chunked, compressed) the route's limit; none
 * for a declared length over the limit (refused 413 unread) or a request already gone. Released
 * once, when the response closes (answered, failed or the connection lost). False when refused.
 */
function reserveBody(req: Request, res: Reserving, limitBytes: number, budget: BodyBudget): boolean {
  if (req.destroyed || res[RESERVED] !== undefined) return true;
  const declared = req.headers['content-length'];
  const encoding = req.headers['content-encoding'];
  const identity = encoding === undefined || encoding.toLowerCase() === 'identity';
  const bytes = declared !== undefined && identity ? Number(declared) : limitBytes;
  if (!(bytes > 0 && bytes <= limitBytes)) return true;
  if (!budget.tryReserve(bytes)) return false;
  res[RESERVED] = { budget, bytes };
  res.on('close', releaseOnClose);
  return true;
}

/** Answers `res` once its body stops arriving (see {@link jsonBody}). */
function watchBodyIdle(req: Request, res: Reserving, budget: BodyBudget): void {
  new BodyIdleWatch(req, budget.idleMs, {
    bodyIdle() {
      if (res[IDLE] || res.headersSent) return;
      res[IDLE] = true;
      releaseOnClose.call(res);
      closeAfterAnswer(res);
      sendErrorCode(res, 'validation_failed', bodyIdleMessage(budget.idleMs));
    },
  });
}

function releaseOnClose(this: Reserving): void {
  const reserved = this[RESERVED];
  if (reserved === undefined) return;
  this[RESERVED] = undefined;
  this.off('close', releaseOnClose);
  reserved.budget.release(reserved.bytes);
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
