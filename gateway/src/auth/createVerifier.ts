import { describeZodError, jwtClaimsSchema } from '@easel/schemas';
import { createRemoteJWKSet, errors as joseErrors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Principal } from '../core/auth/Principal.ts';
import { fail, type GatewayError, ok, type Result } from '../core/errors/GatewayError.ts';

/** How tokens are verified (contract §2). Exactly one of `secret` or `jwksUrl`. */
export interface VerifierOptions {
  /**
   * HS256 shared secret (the CLI reads it from `EASEL_JWT_SECRET`).
   * @example `createVerifier({ secret: process.env.EASEL_JWT_SECRET })`
   */
  secret?: string;
  /**
   * A JWKS URL to verify asymmetric tokens (RS256, ES256, EdDSA…) instead of a shared secret.
   * Keys are fetched lazily and cached by jose.
   */
  jwksUrl?: string;
  /** Seconds of clock skew tolerated on `exp`/`nbf`. Default 5. */
  clockToleranceSeconds?: number;
  /** Clock for tests (ms since epoch). Default `Date.now`. */
  now?: () => number;
  /**
   * Verified tokens remembered (by their text, until `exp`) so a client's repeated requests are
   * not verified again. Default 1024; 0 disables.
   */
  cacheSize?: number;
}

/** Verifies bearer tokens into principals. */
export interface Verifier {
  /** Never throws: any problem with the token is a 401 `unauthenticated` saying why. */
  verify(token: string): Promise<Result<Principal>>;
}

const ASYMMETRIC_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Tokens longer than this are refused before any parsing. */
const MAX_TOKEN_LENGTH = 8192;

/** Builds a verifier for HS256 (secret) or JWKS tokens. Throws when neither or both are given. */
export function createVerifier(options: VerifierOptions): Verifier {
  const { secret, jwksUrl } = options;
  if ((secret === undefined || secret === '') === (jwksUrl === undefined || jwksUrl === '')) {
    throw new TypeError('createVerifier: give exactly one of `secret` or `jwksUrl`');
  }
  const tolerance = options.clockToleranceSeconds ?? 5;
  const now = options.now ?? Date.now;
  let key: Promise<CryptoKey> | JWTVerifyGetKey;
  let algorithms: string[];
  if (secret) {
    // imported once (jose would import raw bytes again on every verify)
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ]);
    algorithms = ['HS256'];
  } else {
    key = createRemoteJWKSet(new URL(jwksUrl!));
    algorithms = ASYMMETRIC_ALGS;
  }
  // Verified tokens by their text, until their exp (bounded, least recently used dropped first).
  const cache = new Map<string, { principal: Principal; expMs: number }>();
  const cacheSize = options.cacheSize ?? 1024;

  return {
    async verify(token: string): Promise<Result<Principal>> {
      if (typeof token !== 'string' || token === '') return fail('unauthenticated', 'the bearer token is empty');
      if (token.length > MAX_TOKEN_LENGTH) {
        return fail('unauthenticated', `the bearer token is longer than ${MAX_TOKEN_LENGTH} characters`);
      }
      const hit = cache.get(token);
      if (hit !== undefined) {
        cache.delete(token);
        if (now() < hit.expMs) {
          cache.set(token, hit);
          return ok(hit.principal);
        }
        // expired: verified again below, which explains why
      }
      let payload: unknown;
      try {
        const verified = await jwtVerify(token, typeof key === 'function' ? key : await key, {
          algorithms,
          requiredClaims: ['exp'],
          clockTolerance: tolerance,
          currentDate: new Date(now()),
        });
        payload = verified.payload;
      } catch (err) {
        return explainJoseError(err);
      }
      const parsed = jwtClaimsSchema.safeParse(payload);
      if (!parsed.success) {
        const described = describeZodError(parsed.error, 'claims');
        return fail('unauthenticated', `the token's claims are invalid: ${described.message}`, described.details);
      }
      const claims = parsed.data;
      const principal: Principal = Object.freeze({
        actorId: claims.sub,
        tenantId: claims.tenant_id,
        kind: claims.kind,
        roles: claims.roles,
      });
      const exp = (payload as { exp?: unknown }).exp;
      if (cacheSize > 0 && typeof exp === 'number') {
        if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
        // valid until exp + tolerance, as jwtVerify would judge it
        cache.set(token, { principal, expMs: (exp + tolerance) * 1000 });
      }
      return ok(principal);
    },
  };
}

/** Maps a jose failure to a 401 that says why (503 when the JWKS endpoint cannot be reached). */
function explainJoseError(err: unknown): { ok: false; error: GatewayError } {
  if (err instanceof joseErrors.JWTExpired)
    return fail('unauthenticated', 'the token has expired (exp is in the past)');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.reason === 'missing')
      return fail('unauthenticated', `the token has no "${err.claim}" claim; it is required`);
    return fail('unauthenticated', `the token's "${err.claim}" claim is invalid: ${err.message}`);
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
    return fail('unauthenticated', 'the token signature does not verify (wrong secret or tampered token)');
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed) {
    return fail('unauthenticated', `the token's signing algorithm is not accepted: ${err.message}`);
  }
  if (err instanceof joseErrors.JWKSNoMatchingKey) {
    return fail('unauthenticated', 'no key of the configured JWKS matches the token (kid/alg)');
  }
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) {
    return fail('unavailable', 'the configured JWKS could not be fetched; retry later');
  }
  if (
    err instanceof joseErrors.JWSInvalid ||
    err instanceof joseErrors.JWTInvalid ||
    err instanceof joseErrors.JOSENotSupported ||
    err instanceof joseErrors.JOSEError
  ) {
    return fail('unauthenticated', `the bearer token is not a valid JWT: ${err.message}`);
  }
  if (err instanceof TypeError && /fetch/i.test(err.message)) {
    return fail('unavailable', 'the configured JWKS could not be fetched; retry later');
  }
  return fail('unauthenticated', 'the bearer token is not a valid JWT');
}
