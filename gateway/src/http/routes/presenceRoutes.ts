import type { Request, Router } from 'express';
import { decodeJwt } from 'jose';
import { authenticate, principalOf, requestBearerToken } from '../authenticate.ts';
import type { HttpDeps } from '../HttpDeps.ts';
import { routeBodyLimit } from '../bodyRoutes.ts';
import { bodyBudgetOf } from '../BodyBudget.ts';
import { jsonBody } from '../jsonBody.ts';
import { sendError, sendErrorCode } from '../sendError.ts';

/** A Host header we can put into a URL as is. */
const HOST_RE = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * `POST /v1/presence/tickets` (contract §7): a single-use ticket (≤ 60 s) for the canvas in
 * `scope`, bound to the caller and that canvas; the client passes it to Hocuspocus at
 * `ws(s)://<host>/v1/presence`. Registered only when the gateway serves presence.
 */
export function presenceRoutes(router: Router, deps: HttpDeps): void {
  const presence = deps.presence;
  if (!presence) return;
  const auth = authenticate(deps.verifier);
  const body = jsonBody(routeBodyLimit(deps, 'presenceTicket'), bodyBudgetOf(deps));

  router.post('/v1/presence/tickets', auth, ...body, async (req, res) => {
    const wsOrigin = wsOriginOf(req);
    if (wsOrigin === null) return sendErrorCode(res, 'validation_failed', 'the request needs a valid Host header');
    const result = await presence.issue(principalOf(res), req.body, { tokenExpiresAtMs: tokenExpiry(req), wsOrigin });
    if (!result.ok) return sendError(res, result.error);
    res.status(200).json(result.value);
  });
}

/** `ws://<Host>` as this request reached the gateway (`wss` behind TLS). */
function wsOriginOf(req: Request): string | null {
  const host = req.headers.host;
  if (typeof host !== 'string' || !HOST_RE.test(host)) return null;
  return `${req.protocol === 'https' ? 'wss' : 'ws'}://${host}`;
}

/** `exp` of the (already verified) bearer token, ms; the connection closes then. */
function tokenExpiry(req: Request): number {
  const token = requestBearerToken(req, undefined);
  if (!token.ok) return 0;
  try {
    const exp = decodeJwt(token.value).exp;
    return typeof exp === 'number' ? exp * 1000 : 0;
  } catch {
    return 0;
  }
}
