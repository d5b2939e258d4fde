import type { ErrorCode } from '@easel/schemas';
import { BACKOFF_TIERS, type BackoffTier, backoffDelay } from '../connection/backoff.ts';
import type { Deps } from './deps.ts';
import { errorMessage } from './errorMessage.ts';
import { readHttpError } from './httpError.ts';
import { onAbort } from './onAbort.ts';
import { type Result, err, ok } from './Result.ts';
import { resolveToken, type TokenSource } from './token.ts';

/**
 * Why a gateway request did not succeed: a contract §3 code from the gateway, or one of the
 * client's own: `network` (no answer, after the retries a GET gets), `protocol` (an answer that is
 * not the contract's shape), `closed` (the client was closed).
 */
export type ApiErrorCode = ErrorCode | 'network' | 'protocol' | 'closed';

export interface ApiError {
  readonly code: ApiErrorCode;
  readonly message: string;
  /** HTTP status when the gateway answered. */
  readonly status?: number;
  readonly details?: unknown;
  readonly requestId?: string;
}

/** What every small gateway client (jobs, plugins, runs) shares. */
export interface ApiContext {
  readonly deps: Deps;
  /** Gateway origin without a trailing slash. */
  readonly baseUrl: string;
  readonly token: TokenSource;
  /** Abort one attempt after this long, ms (default 30 000). */
  readonly requestTimeoutMs?: number;
}

export interface RequestJsonOptions {
  readonly method: 'GET' | 'POST';
  /** Path and query, e.g. `/v1/jobs/j1?tenant_id=…`. */
  readonly path: string;
  readonly body?: unknown;
  /**
   * Attempts on network errors, 429 and 503 (default 3 for GET, 1 for POST: a POST without an
   * idempotency key is never repeated behind the caller's back).
   */
  readonly attempts?: number;
  /** Statuses that count as success (default any 2xx). */
  readonly okStatuses?: readonly number[];
  /** Aborts the request and any wait between attempts (the answer is `closed`). */
  readonly signal?: AbortSignal;
  /**
   * The request carries an idempotency key (a command id), so a repeat is safe: a 500 and a 2xx
   * whose body broke off are retried too (the request may have been applied; a retry finds out).
   */
  readonly idempotent?: boolean;
  /** Backoff tiers between attempts (default `BACKOFF_TIERS`). */
  readonly tiers?: readonly BackoffTier[];
  /**
   * After an attempt that got no answer: while the gateway is known to be unreachable (the canvas
   * stream is reconnecting), registers `wake`, to be called once it is reachable again, and returns
   * its removal; null otherwise. The request then waits to be woken, and such an attempt is not
   * counted: it tries again once the gateway is reachable, so a short outage delays an idempotent
   * command; it does not use up its attempts. Bounded: such waits end one request timeout
   * (`requestTimeoutMs`) after the request began; from then on attempts count as without
   * `whenOnline`, so a gateway that never becomes reachable (a wrong address: the stream retries
   * forever) ends the request in bounded time. A wait removes its `wake` when it ends (woken,
   * timed out or aborted): nothing accumulates over a long outage.
   */
  readonly whenOnline?: WhenOnline;
}

/** See `RequestJsonOptions.whenOnline`. */
export type WhenOnline = (wake: () => void) => (() => void) | null;

const RETRY_STATUSES = new Set([408, 429, 502, 503, 504]);

/**
 * One JSON request to the gateway with the bearer token: the parsed body, or a coded
 * {@link ApiError}. Never rejects. A 401 with a token function is retried once with a fresh token.
 */
export async function requestJson(ctx: ApiContext, options: RequestJsonOptions): Promise<Result<unknown, ApiError>> {
  const { deps } = ctx;
  const { signal } = options;
  const attempts = Math.max(1, options.attempts ?? (options.method === 'GET' ? 3 : 1));
  const route = options.path.split('?')[0]!;
  const closed = () => err({ code: 'closed' as const, message: 'the request was aborted' });
  let reauthorized = false;
  const timeoutMs = ctx.requestTimeoutMs ?? 30_000;
  // Waits for the link (see `whenOnline`) end one request timeout after the request began.
  const offlineUntil = deps.now() + timeoutMs;
  let last: ApiError = { code: 'network', message: 'not sent' };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (signal?.aborted) return closed();
    const token = await resolveToken(ctx.token);
    if (!token.ok) return err({ code: 'unauthenticated', message: token.message });
    const controller = new AbortController();
    const offAbort = onAbort(signal, () => controller.abort());
    const timer = deps.timers.setTimeout(() => controller.abort(), timeoutMs);
    let retryAfterMs: number | undefined;
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${token.value}`, accept: 'application/json' };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const response = await deps.fetch(ctx.baseUrl + options.path, {
        method: options.method,
        headers,
        // (`undefined` without a body: JSON.stringify(undefined) is undefined.)
        body: JSON.stringify(options.body),
        signal: controller.signal,
      });
      const success = options.okStatuses ? options.okStatuses.includes(response.status) : response.ok;
      if (success) {
        try {
          return ok(await response.json());
        } catch (error) {
          const broken = `${options.method} ${route} answered a body that is not JSON`;
          if (!options.idempotent) return err({ code: 'protocol', message: broken, status: response.status });
          // The request may have been applied: a retry (same key) finds out. The last attempt's answer
          // decides the code: a whole body that is not JSON is `protocol`, one that broke off `network`.
          last = {
            code: error instanceof SyntaxError ? 'protocol' : 'network',
            message: broken,
            status: response.status,
          };
        }
      } else {
        const { retryAfterMs: after, ...info } = await readHttpError(response, deps.now(), deps.validate);
        last = info;
        if (response.status === 401 && !reauthorized && typeof ctx.token === 'function') {
          reauthorized = true;
          attempt -= 1;
          continue;
        }
        if (!RETRY_STATUSES.has(response.status) && !(options.idempotent && response.status === 500)) return err(last);
        retryAfterMs = after;
      }
    } catch (error) {
      if (signal?.aborted) return closed();
      last = {
        code: 'network',
        message: `${options.method} ${route}: ${errorMessage(error)}`,
      };
    } finally {
      deps.timers.clearTimeout(timer);
      offAbort?.();
    }
    // (A flapping link, open and gone again, is bounded by the same timeout.)
    const online = last.status === undefined && deps.now() < offlineUntil ? options.whenOnline : undefined;
    if (online && (await sleep(deps, offlineUntil - deps.now(), signal, online))) {
      attempt -= 1;
    } else if (attempt < attempts) {
      const delay = backoffDelay(attempt, deps.random, retryAfterMs, options.tiers ?? BACKOFF_TIERS);
      deps.logger.debug?.('retrying a request', { path: route, attempt, delayMs: delay.ms });
      await sleep(deps, delay.ms, signal);
    }
  }
  return signal?.aborted ? closed() : err(last);
}

/**
 * Waits `ms`, or until `online` wakes it (true then) or `signal` aborts; with an `online` that
 * registers nothing (the gateway is reachable), not at all.
 */
function sleep(deps: Deps, ms: number, signal: AbortSignal | undefined, online?: WhenOnline): Promise<boolean> {
  return new Promise((resolve) => {
    // (Also the timer's and the abort listener's callback: woken only by `online`'s `true`.)
    const done = (woken?: unknown) => {
      deps.timers.clearTimeout(timer);
      offAbort?.();
      off?.();
      resolve(woken === true);
    };
    const timer = deps.timers.setTimeout(done, ms);
    const off = online?.(() => done(true));
    const offAbort = onAbort(signal, done);
    if (signal?.aborted || off === null) done();
  });
}

/** A `protocol` error for an answer of the wrong shape. */
export function protocolError(what: string, message: string): { readonly ok: false; readonly error: ApiError } {
  return err({ code: 'protocol', message: `${what} answered an unexpected shape: ${message}` });
}
