import { describeZodError, jwtClaimsSchema } from '@easel/schemas';
import type { Router } from 'express';
import { mintToken } from '../../auth/mintToken.ts';
import type { HttpDeps } from '../HttpDeps.ts';
import { routeBodyLimit } from '../bodyRoutes.ts';
import { bodyBudgetOf } from '../BodyBudget.ts';
import { jsonBody } from '../jsonBody.ts';
import { sendErrorCode } from '../sendError.ts';

const MAX_TTL_SECONDS = 30 * 24 * 3600;

/**
 * `POST /v1/dev/tokens` (contract §2, dev mode only; absent otherwise → 404):
 * `{sub, roles, tenant_id? = "demo", kind? = "human", ttl_seconds? = 3600, name?}` →
 * `{token, claims}`.
 */
export function devRoutes(router: Router, deps: HttpDeps): void {
  const secret = deps.devSecret;
  if (!secret) return;
  router.post('/v1/dev/tokens', ...jsonBody(routeBodyLimit(deps, 'devToken'), bodyBudgetOf(deps)), async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b !== 'object' || Array.isArray(b)) {
      return sendErrorCode(
        res,
        'validation_failed',
        'the body must be a JSON object {sub, roles, tenant_id?, kind?, ttl_seconds?}',
      );
    }
    const ttl = b.ttl_seconds ?? 3600;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) {
      return sendErrorCode(res, 'validation_failed', `ttl_seconds: must be an integer from 1 to ${MAX_TTL_SECONDS}`);
    }
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: b.sub,
      tenant_id: b.tenant_id ?? b.tenant ?? 'demo',
      kind: b.kind ?? 'human',
      roles: b.roles,
      exp: now + ttl,
      ...(b.name !== undefined ? { name: b.name } : {}),
    };
    const parsed = jwtClaimsSchema.safeParse(claims);
    if (!parsed.success) {
      const described = describeZodError(parsed.error);
      return sendErrorCode(res, 'validation_failed', described.message, described.details);
    }
    const c = parsed.data;
    const token = await mintToken(secret, {
      tenant: c.tenant_id,
      sub: c.sub,
      roles: c.roles,
      kind: c.kind,
      ttlSeconds: ttl,
      ...(c.name !== undefined ? { name: c.name } : {}),
    });
    res.status(200).json({ token, claims: { ...c, exp: c.exp } });
  });
}
