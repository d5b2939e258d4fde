import type { CanvasScope, ErrorCode, PresenceTicket } from '@easel/schemas';
import type { Deps } from '../lib/deps.ts';
import { requestJson } from '../lib/requestJson.ts';
import { type Result, err, ok } from '../lib/Result.ts';
import type { TokenSource } from '../lib/token.ts';
import { answerParser } from '../lib/validation.ts';

/** Why no ticket came: a contract §3 code, or `network` / `protocol` / `unauthenticated` (no token). */
export interface TicketError {
  readonly code: ErrorCode | 'network' | 'protocol';
  readonly message: string;
  /** HTTP status when the gateway answered. */
  readonly status?: number;
}

/** Options of {@link fetchPresenceTicket}. */
export interface FetchTicketOptions {
  readonly deps: Deps;
  readonly baseUrl: string;
  readonly token: TokenSource;
  readonly scope: CanvasScope;
  /** Give up on the request after this long, ms. Default 10 000. */
  readonly timeoutMs?: number;
}

/** `POST /v1/presence/tickets` (contract §7): a fresh single-use ticket. Never rejects. */
export async function fetchPresenceTicket(options: FetchTicketOptions): Promise<Result<PresenceTicket, TicketError>> {
  const ctx = { ...options, requestTimeoutMs: options.timeoutMs ?? 10_000 };
  const got = await requestJson(ctx, { method: 'POST', path: '/v1/presence/tickets', body: { scope: options.scope } });
  if (!got.ok) {
    const { code, message, status } = got.error;
    return err({ code: code as TicketError['code'], message, ...(status !== undefined ? { status } : {}) });
  }
  const parsed = (await answerParser(options.deps.validate, 'presenceTicket')).safeParse(got.value);
  return parsed.success ? ok(parsed.data) : err({ code: 'protocol', message: 'bad presence ticket answer' });
}
