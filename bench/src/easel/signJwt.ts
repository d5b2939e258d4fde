import { createHmac } from 'node:crypto';

/** Claims of contract §2. */
export interface BenchClaims {
  sub: string;
  tenant_id: string;
  kind: 'human' | 'agent' | 'service';
  roles: string[];
}

/** An HS256 JWT for `claims`, valid for `ttlSeconds` (node:crypto only; same format as `easel token`). */
export function signJwt(claims: BenchClaims, secret: string, ttlSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = encode({ alg: 'HS256', typ: 'JWT' });
  const body = encode({ ...claims, iat: now, exp: now + ttlSeconds });
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}
