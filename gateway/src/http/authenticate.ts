import type { IncomingMessage } from 'node:http';
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
    const token = requestBearerToken(req, (req.query as Record<string, unknown>).access_token, options);
    if (!token.ok) {
      sendErrorCode(res, 'unauthenticated', token.message);
      return;
    }
    const verified = await verifier.verify(token.value);
    if (!verified.ok) {
      sendError(res, verified.error);
      return;
    }
    res.locals.principal = verified.value;
    next();
  };
}

/**
 * The token of a request: `Authorization: Bearer <JWT>`, else (when allowed) `?access_token=`.
 * A failure's message says why (answered 401 `unauthenticated`).
 */
export function bearerToken(
  header: string | undefined,
  queryToken: unknown,
  options: AuthenticateOptions = {},
): { ok: true; value: string } | { ok: false; message: string } {
  if (header !== undefined) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!m) return { ok: false, message: 'the Authorization header must be "Bearer <JWT>"' };
    return { ok: true, value: m[1]! };
  }
  if (queryToken !== undefined) {
    if (!options.allowQueryToken) {
      return {
        ok: false,
        message: '?access_token= is accepted only on SSE streams; send the token as "Authorization: Bearer <JWT>"',
      };
    }
    if (typeof queryToken !== 'string' || queryToken === '') {
      return { ok: false, message: '?access_token= must be given once, with a JWT' };
    }
    return { ok: true, value: queryToken };
  }
  return { ok: false, message: 'no bearer token: send "Authorization: Bearer <JWT>"' };
}

/**
 * {@link bearerToken} of a request. Node keeps only the first of repeated `Authorization`
 * headers; two of them (which one would a proxy have checked?) are refused instead.
 */
export function requestBearerToken(
  req: IncomingMessage,
  queryToken: unknown,
  options: AuthenticateOptions = {},
): { ok: true; value: string } | { ok: false; message: string } {
  const header = req.headers.authorization;
  if (header !== undefined && authorizationHeaders(req.rawHeaders) > 1) {
    return { ok: false, message: 'the request has more than one Authorization header; send exactly one' };
  }
  return bearerToken(header, queryToken, options);
}

/** How many `Authorization` headers `rawHeaders` (name, value, name, value, …) holds. */
function authorizationHeaders(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization') count++;
  }
  return count;
}

/** The principal {@link authenticate} stored; throws if the route forgot it (programmer error). */
export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new Error('route is missing the authenticate middleware');
  return p;
}
