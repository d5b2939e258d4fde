import type { NextFunction, Request, Response } from 'express';
import type { Verifier } from '../auth/createVerifier.ts';
import type { Principal } from '../core/auth/Principal.ts';
import { sendError, sendErrorCode } from './sendError.ts';

/** Options of {@link authenticate}. */
export interface AuthenticateOptions {
  /**
   * Accept `?access_token=` (contract §2: SSE GETs only, because EventSource cannot send
   * headers). Default false.
   */
  allowQueryToken?: boolean;
}

/**
 * Verifies `Authorization: Bearer <JWT>` (or, on SSE GETs, `?access_token=`) and stores the
 * principal for {@link principalOf}. Every failure is 401 `unauthenticated` saying why.
 */
export function authenticate(verifier: Verifier, options: AuthenticateOptions = {}) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization;
    const queryToken = (req.query as Record<string, unknown>).access_token;
    let token: string;
    if (header !== undefined) {
      const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
      if (!m) {
        sendErrorCode(res, 'unauthenticated', 'the Authorization header must be "Bearer <JWT>"');
        return;
      }
      token = m[1]!;
    } else if (queryToken !== undefined) {
      if (!options.allowQueryToken) {
        sendErrorCode(
          res,
          'unauthenticated',
          '?access_token= is accepted only on SSE streams; send the token as "Authorization: Bearer <JWT>"',
        );
        return;
      }
      if (typeof queryToken !== 'string' || queryToken === '') {
        sendErrorCode(res, 'unauthenticated', '?access_token= must be given once, with a JWT');
        return;
      }
      token = queryToken;
    } else {
      sendErrorCode(res, 'unauthenticated', 'no bearer token: send "Authorization: Bearer <JWT>"');
      return;
    }
    const verified = await verifier.verify(token);
    if (!verified.ok) {
      sendError(res, verified.error);
      return;
    }
    res.locals.principal = verified.value;
    next();
  };
}

/** The principal {@link authenticate} stored; throws if the route forgot it (programmer error). */
export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new Error('route is missing the authenticate middleware');
  return p;
}
