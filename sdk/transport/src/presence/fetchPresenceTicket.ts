import type { CanvasScope, ErrorCode, PresenceTicket } from '@easel/schemas';
import { presenceTicketGuard } from '@easel/schemas/guards';
import type { Deps } from '../lib/deps.ts';
import { readHttpError } from '../lib/httpError.ts';
import { type Result, err, ok } from '../lib/Result.ts';
import { resolveToken, type TokenSource } from '../lib/token.ts';
import { parserFor } from '../lib/validation.ts';

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
  const token = await resolveToken(options.token);
  if (!token.ok) return err({ code: 'unauthenticated', message: token.message });
  const controller = new AbortController();
  const timer = options.deps.timers.setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000);
  try {
    const response = await options.deps.fetch(`${options.baseUrl}/v1/presence/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.value}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scope: options.scope }),
      signal: controller.signal,
    });
    if (!response.ok) {
      const info = await readHttpError(response, options.deps.now(), options.deps.validate);
      return err({ code: info.code, message: info.message, status: info.status });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return err({ code: 'protocol', message: 'the presence ticket answer is not JSON', status: response.status });
    }
    const parser = await parserFor(options.deps.validate, presenceTicketGuard, 'presenceTicketSchema');
    const parsed = parser.safeParse(body);
    if (!parsed.success) {
      return err({
        code: 'protocol',
        message: 'the presence ticket answer has the wrong shape',
        status: response.status,
      });
    }
    return ok(parsed.data);
  } catch (error) {
    return err({
      code: 'network',
      message: `cannot reach the gateway: ${error instanceof Error ? error.message : error}`,
    });
  } finally {
    options.deps.timers.clearTimeout(timer);
  }
}
