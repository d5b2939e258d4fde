import { errorMessage } from './errorMessage.ts';

/**
 * The bearer token: a string, or a function called before every connection attempt and
 * command (again after a 401), so that it can refresh an expiring token.
 */
export type TokenSource = string | (() => string | Promise<string>);

/** Resolves the token; a throwing callback is an expected failure (`ok: false`). */
export async function resolveToken(
  source: TokenSource,
): Promise<{ ok: true; value: string } | { ok: false; message: string }> {
  try {
    const value = typeof source === 'string' ? source : await source();
    if (typeof value !== 'string' || value === '')
      return { ok: false, message: 'the token callback returned no token' };
    return { ok: true, value };
  } catch (error) {
    return {
      ok: false,
      message: `the token callback failed: ${errorMessage(error)}`,
    };
  }
}
