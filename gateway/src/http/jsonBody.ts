import express, { type NextFunction, type Request, type Response } from 'express';
import { jsonShapeProblem } from '../core/json/jsonShapeProblem.ts';
import { sendErrorCode } from './sendError.ts';

/** Human-readable byte size: 1 MiB, 8 MiB, 512 KiB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * Requires a JSON body (`Content-Type: application/json` or `+json`) of at most `limitBytes`,
 * parsed strictly (an object or array). Errors are contract §3 bodies via the error handler:
 * 400 `validation_failed` for a wrong content type, malformed JSON or a shape no body may have
 * (`jsonShapeProblem`: nested too deep, a `__proto__` key), 413 `payload_too_large`.
 */
export function jsonBody(limitBytes: number) {
  const parse = express.json({ limit: limitBytes, strict: true, type: () => true });
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
