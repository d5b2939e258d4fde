import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { ErrorCode } from '@easel/schemas';
import { fastUlid as ulid } from '../core/ids/fastUlid.ts';
import { requestBearerToken } from './authenticate.ts';
import { BODY_BUDGET_BUSY, bodyBudgetOf, setBodyBudgetBusyHeaders } from './BodyBudget.ts';
import { bodyLimit, findBodyRoute } from './bodyRoutes.ts';
import type { ContinueCheck } from './createHttpServer.ts';
import type { HttpDeps } from './HttpDeps.ts';
import { bodyTooLargeMessage } from './jsonBody.ts';
import { sendRawError } from './sendError.ts';

/**
 * The gateway's {@link ContinueCheck}: answers an `Expect: 100-continue` request at once, before
 * the client sends its body, when the route (`BODY_ROUTES`) would refuse it anyway:
 * - 401 `unauthenticated` when the route needs a bearer token and the request has none (or a
 *   malformed one, two `Authorization` headers, `?access_token=`): the message the route gives;
 * - 413 `payload_too_large` when the declared `Content-Length` of an identity-encoded body is over
 *   the route's limit (a compressed body's limit applies to its decoded size: left to the route);
 * - 503 `unavailable` with `Retry-After` when that declared body would not fit the `BodyBudget`
 *   now (the route would refuse it the same way).
 *
 * Such an answer carries `connection: close` (the client may send the body anyway). Anything
 * else (other paths, a valid-looking token, a body within the limit or of unknown length) returns
 * false: the server sends `100 Continue` and the route answers as usual (an invalid token is
 * still 401 there, after the upload).
 */
export function answerBeforeContinue(deps: HttpDeps): ContinueCheck {
  return (req, res) => {
    const url = req.url ?? '';
    if (url.charCodeAt(0) !== 47 /* '/' */ || url.includes('#')) return false;
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const route = findBodyRoute(deps, req.method, path);
    if (route === null) return false;
    if (route.auth) {
      const token = requestBearerToken(req, q === -1 ? undefined : parseQuery(url.slice(q + 1)).access_token);
      if (!token.ok) return refuse(deps, req, res, path, 'unauthenticated', token.message);
    }
    const declared = req.headers['content-length'];
    const encoding = req.headers['content-encoding'];
    if (declared === undefined || (encoding !== undefined && encoding.toLowerCase() !== 'identity')) return false;
    const limit = bodyLimit(deps, route.limit);
    const length = Number(declared);
    if (!(length <= limit)) return refuse(deps, req, res, path, 'payload_too_large', bodyTooLargeMessage(limit));
    if (bodyBudgetOf(deps).fits(length)) return false;
    setBodyBudgetBusyHeaders(res);
    return refuse(deps, req, res, path, 'unavailable', BODY_BUDGET_BUSY);
  };
}

function refuse(
  deps: HttpDeps,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  code: ErrorCode,
  message: string,
): true {
  const requestId = ulid();
  res.shouldKeepAlive = false;
  res.setHeader('connection', 'close');
  sendRawError(res, requestId, code, message);
  if (deps.logger.isLevelEnabled('debug')) {
    deps.logger.debug(
      { request_id: requestId, method: req.method, path, status: res.statusCode, before_continue: true },
      'request',
    );
  }
  return true;
}
