import type { HostFetch, HostResult } from './HostError.ts';
import { networkError, readErrorBody } from './HostError.ts';

/** `POST /v1/dev/tokens` body (contract §2, dev mode only). */
export interface DevTokenRequest {
  sub: string;
  roles: readonly string[];
  kind?: 'human' | 'agent' | 'service';
  name?: string;
  tenant_id?: string;
  ttl_seconds?: number;
}

export interface DevToken {
  token: string;
  /** Expiry, epoch seconds (the `exp` claim). */
  exp: number;
}

const REQUEST_TIMEOUT_MS = 10_000;

/** Mints a dev token from the gateway; failures are values (404 = the gateway is not in dev mode). */
export async function mintDevToken(
  baseUrl: string,
  request: DevTokenRequest,
  fetchImpl: HostFetch = (input, init) => fetch(input, init),
): Promise<HostResult<DevToken>> {
  let res: Response;
  try {
    res = await fetchImpl(`${baseUrl.replace(/\/+$/, '')}/v1/dev/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    return { ok: false, error: networkError(baseUrl, err) };
  }
  if (res.status === 404) {
    return {
      ok: false,
      error: {
        code: 'dev_mode_off',
        status: 404,
        message: 'this gateway mints no dev tokens (POST /v1/dev/tokens is 404): start it with `pnpm easel dev`',
      },
    };
  }
  if (res.status !== 200) {
    const body = await readErrorBody(res);
    return {
      ok: false,
      error: {
        code: 'refused',
        status: res.status,
        message: `minting a token for '${request.sub}' failed: ${body?.message ?? `HTTP ${res.status}`}`,
        ...(body ? { detail: body.code } : {}),
      },
    };
  }
  try {
    const body = (await res.json()) as { token?: unknown; claims?: { exp?: unknown } };
    if (typeof body.token === 'string' && typeof body.claims?.exp === 'number') {
      return { ok: true, value: { token: body.token, exp: body.claims.exp } };
    }
  } catch {
    // fall through
  }
  return {
    ok: false,
    error: { code: 'protocol', message: 'POST /v1/dev/tokens answered without {token, claims.exp}' },
  };
}

/** Re-mint this long before expiry. */
const REFRESH_MARGIN_S = 120;

/**
 * A `TokenSource` for `CanvasTransport`: mints on first use, caches, and mints again shortly before
 * the token expires (the transport calls it before every connection and command). A failed mint
 * throws into the transport, which reports it as `unauthorized` and retries.
 */
export function devTokenSource(
  baseUrl: string,
  request: DevTokenRequest,
  options: { fetch?: HostFetch; now?: () => number; initial?: DevToken } = {},
): () => Promise<string> {
  const now = options.now ?? (() => Date.now());
  let current: DevToken | null = options.initial ?? null;
  let pending: Promise<string> | null = null;
  return () => {
    if (current && current.exp - REFRESH_MARGIN_S > now() / 1000) return Promise.resolve(current.token);
    pending ??= mintDevToken(baseUrl, request, options.fetch).then((minted) => {
      pending = null;
      if (!minted.ok) throw new Error(minted.error.message);
      current = minted.value;
      return minted.value.token;
    });
    return pending;
  };
}
