import type { ActorKind } from '@easel/schemas';
import { SignJWT } from 'jose';

/** What a minted token says (contract §2 claims). */
export interface MintTokenOptions {
  /** `tenant_id` claim (a slug). */
  tenant: string;
  /** `sub` claim: the actor id. */
  sub: string;
  /** `roles` claim, e.g. `['admin']`. */
  roles: readonly string[];
  /** `kind` claim. Default `human`. */
  kind?: ActorKind;
  /** Lifetime in seconds; `exp` = now + ttl. Default 3600. */
  ttlSeconds?: number;
  /** Optional display name (`name` claim, used by presence). */
  name?: string;
  /** Clock for tests (ms since epoch). Default `Date.now`. */
  now?: () => number;
}

/** Signs an HS256 JWT for the CLI's `token` command and dev mode's `POST /v1/dev/tokens`. */
export async function mintToken(secret: string, options: MintTokenOptions): Promise<string> {
  if (!secret) throw new TypeError('mintToken: the secret is empty');
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const ttl = options.ttlSeconds ?? 3600;
  const claims: Record<string, unknown> = {
    tenant_id: options.tenant,
    kind: options.kind ?? 'human',
    roles: [...options.roles],
  };
  if (options.name !== undefined) claims.name = options.name;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ttl)
    .sign(new TextEncoder().encode(secret));
}
