import type { NextFunction, Request, Response } from 'express';
import type pino from 'pino';
import { fastUlid as ulid } from '../core/ids/fastUlid.ts';

/** Gives every request a fresh id (ULID, `x-request-id` header, error bodies) and a debug log line. */
export function requestContext(logger: pino.Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const id = ulid();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    if (logger.isLevelEnabled('debug')) {
      const started = performance.now();
      res.once('close', () => {
        logger.debug(
          {
            request_id: id,
            method: req.method,
            path: req.path,
            status: res.statusCode,
            ms: Math.round((performance.now() - started) * 10) / 10,
          },
          'request',
        );
      });
    }
    next();
  };
}

/** The id given by {@link requestContext} (a fresh one if it did not run). */
export function requestIdOf(res: Response): string {
  const id = res.locals.requestId;
  if (typeof id === 'string') return id;
  const fresh = ulid();
  res.locals.requestId = fresh;
  return fresh;
}
