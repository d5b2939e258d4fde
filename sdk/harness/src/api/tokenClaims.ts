import { base64ToBytes } from '@easel/transport';

/** The claims the harness reads from a JWT (unverified: for display and lens hints only). */
export interface TokenClaims {
  readonly sub: string | null;
  readonly kind: string | null;
  readonly name: string | null;
  readonly roles: readonly string[];
}

/** Reads a JWT's payload without verifying it; null when the token is not a readable JWT. */
export function tokenClaims(token: string): TokenClaims | null {
  const part = token.split('.')[1];
  if (part === undefined || part.length === 0 || part.length > 16_384) return null;
  const padded = part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4);
  const bytes = base64ToBytes(padded);
  if (bytes === null) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) return null;
  const c = claims as Record<string, unknown>;
  return {
    sub: typeof c.sub === 'string' ? c.sub : null,
    kind: typeof c.kind === 'string' ? c.kind : null,
    name: typeof c.name === 'string' ? c.name : null,
    roles: Array.isArray(c.roles) ? c.roles.filter((r): r is string => typeof r === 'string') : [],
  };
}
