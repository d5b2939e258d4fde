import type { AwarenessState, PresenceTicket } from '@easel/schemas';
import type { backoffDelay } from '../connection/backoff.ts';
import type { Result } from '../lib/Result.ts';
import type { resolveToken } from '../lib/token.ts';
import type { Parser, loadSchemas } from '../lib/validation.ts';
import type { fetchPresenceTicket, TicketError } from './fetchPresenceTicket.ts';
import { loadWebSocket } from './loadWebSocket.ts';
import type { PresenceError, PresenceOptions, PresencePeer, PresenceStatus } from './Presence.ts';
import { openPresenceLink, type PresenceLink } from './presenceLink.ts';

/** What a run reads and moves of its {@link Presence} (the state callers see stays there). */
export interface PresenceHost {
  readonly options: PresenceOptions;
  /** Whether `session` is still the current one (a leave or a failure ends it). */
  current(session: number): boolean;
  status(): PresenceStatus;
  setStatus(status: PresenceStatus): void;
  local(): AwarenessState | null;
  /** Completes and checks the local state (the actor is known once a token was read). */
  refreshLocal(): Result<void, PresenceError>;
  /** The token was read: its actor gives the local state's defaults. */
  learnActor(token: string): void;
  setLastError(error: PresenceError | null): void;
  /** Rests in `status` (a final refusal): tears the run down and answers the waiting joins. */
  fail(status: PresenceStatus, error: PresenceError): void;
  /** The gateway accepted the ticket. */
  joined(): void;
  setPeers(peers: readonly PresencePeer[]): void;
  awareness(): Parser<AwarenessState>;
  setAwareness(parser: Parser<AwarenessState>): void;
}

/** What a run uses from the rest of the transport (passed in: this module is a lazily loaded leaf). */
export interface PresenceKit {
  readonly fetchPresenceTicket: typeof fetchPresenceTicket;
  readonly resolveToken: typeof resolveToken;
  readonly backoffDelay: typeof backoffDelay;
  readonly loadSchemas: typeof loadSchemas;
  /** The resting status a ticket failure leads to, or null when it is worth retrying. */
  readonly isFinal: (status: PresenceStatus) => boolean;
}

/**
 * One joined session of a {@link Presence}: tickets, the Hocuspocus provider (through
 * {@link PresenceLink}), refusals and retries. Loaded with the provider on the first `join()`
 * (a separate chunk in browser bundles); ended by `stop()` when presence leaves or fails.
 */
export class PresenceRun {
  readonly #host: PresenceHost;
  readonly #session: number;
  readonly #kit: PresenceKit;
  #link: PresenceLink | null = null;
  #prefetched: PresenceTicket | null = null;
  #refusals = 0;
  #startFailures = 0;
  #tokenFailed = false;
  #retryTimer: unknown = null;
  #sendTimer: unknown = null;
  #dirty = false;

  constructor(host: PresenceHost, session: number, kit: PresenceKit) {
    this.#host = host;
    this.#session = session;
    this.#kit = kit;
  }

  /** Whether the provider is built (local states can be sent). */
  get linked(): boolean {
    return this.#link !== null;
  }

  /** Announces the local state (no-op before the provider is built). */
  /**
   * Sends the host's local state, leading and trailing throttle to `maxRateHz` (the latest wins).
   * Nothing before the provider is built (it is built with the state).
   */
  send(): void {
    if (!this.#link) return;
    if (this.#sendTimer !== null) {
      this.#dirty = true;
      return;
    }
    const { options } = this.#host;
    this.#link.setLocal(this.#host.local());
    const interval = Math.ceil(1000 / (options.maxRateHz ?? 30));
    const tick = () => {
      this.#sendTimer = null;
      if (!this.#dirty || !this.#link) return;
      this.#dirty = false;
      this.#link.setLocal(this.#host.local());
      this.#sendTimer = options.deps.timers.setTimeout(tick, interval);
    };
    this.#sendTimer = options.deps.timers.setTimeout(tick, interval);
  }

  async start(): Promise<void> {
    const host = this.#host;
    const session = this.#session;
    const WebSocketClass = await loadWebSocket(host.options.WebSocket);
    if (!host.current(session)) return;
    if (WebSocketClass === null) {
      return host.fail('failed', { code: 'no_websocket', message: 'no WebSocket class: pass options.WebSocket' });
    }
    if (host.options.deps.validate === 'full') {
      // Peers' states are checked by the zod schema (the guard goes on if it cannot be loaded).
      const current = host.awareness();
      host.setAwareness(
        await this.#kit.loadSchemas().then(
          (schemas) => schemas.awarenessStateSchema,
          () => current,
        ),
      );
      if (!host.current(session)) return;
    }
    const first = await this.#fetchTicket();
    if (!host.current(session)) return;
    if (!first.ok) return this.#retryStart(first.error);
    const invalid = host.refreshLocal();
    if (!invalid.ok) return host.fail('failed', invalid.error);
    this.#prefetched = first.value;
    this.#link = openPresenceLink({
      url: first.value.url,
      document: first.value.document,
      WebSocket: WebSocketClass,
      token: () => this.#ticketFor(),
      local: host.local(),
      onAuthenticated: () => this.#authenticated(),
      onAuthenticationFailed: (reason) => this.#refused(reason),
      onChange: () => this.#updatePeers(),
      onDisconnect: () => {
        if (host.current(session) && host.status() === 'joined') host.setStatus('reconnecting');
      },
    });
    this.#link.attach();
  }

  /** Ends the run: no retry, no provider (the others see this participant go). */
  stop(): void {
    const { timers } = this.#host.options.deps;
    if (this.#retryTimer !== null) timers.clearTimeout(this.#retryTimer);
    if (this.#sendTimer !== null) timers.clearTimeout(this.#sendTimer);
    this.#retryTimer = null;
    this.#sendTimer = null;
    this.#prefetched = null;
    const link = this.#link;
    this.#link = null;
    link?.destroy(); // tells the others this participant left
  }

  /** The provider's token: the first connection's prefetched ticket, then a fresh one each time. */
  async #ticketFor(): Promise<string> {
    const prefetched = this.#prefetched;
    this.#prefetched = null;
    if (prefetched !== null && Date.parse(prefetched.expires_at) - this.#host.options.deps.now() > 1000) {
      return prefetched.ticket;
    }
    const fetched = await this.#fetchTicket();
    if (fetched.ok) return fetched.value.ticket;
    if (this.#host.current(this.#session)) {
      const final = finalStatus(fetched.error);
      if (final !== null) this.#host.fail(final, fetched.error);
      else this.#tokenFailed = true;
    }
    throw new Error(fetched.error.message);
  }

  async #fetchTicket(): Promise<Result<PresenceTicket, TicketError>> {
    const options = this.#host.options;
    const token = await this.#kit.resolveToken(options.token);
    if (!token.ok) return { ok: false, error: { code: 'unauthenticated', message: token.message, status: 401 } };
    this.#host.learnActor(token.value);
    const fetched = await this.#kit.fetchPresenceTicket({ ...options, token: token.value });
    if (!fetched.ok) this.#host.setLastError(fetched.error);
    return fetched;
  }

  /** The first ticket could not be had: final answers rest; others retry with backoff. */
  #retryStart(error: TicketError): void {
    const final = finalStatus(error);
    if (final !== null) {
      this.#host.fail(final, error);
      return;
    }
    this.#startFailures += 1;
    const { deps } = this.#host.options;
    const delay = this.#kit.backoffDelay(this.#startFailures, deps.random);
    this.#retryTimer = deps.timers.setTimeout(() => {
      this.#retryTimer = null;
      if (this.#host.current(this.#session)) void this.start();
    }, delay.ms);
  }

  #authenticated(): void {
    if (!this.#host.current(this.#session)) return;
    // Announce the local state again with a newer clock: after a reconnect the others (and the
    // gateway) dropped it, and y-protocols ignores a state sent again under the clock it had.
    const local = this.#host.local();
    if (this.#link && local !== null) this.#link.setLocal(local);
    this.#refusals = 0;
    this.#host.joined();
  }

  #refused(reason: string): void {
    const host = this.#host;
    if (!host.current(this.#session) || this.#kit.isFinal(host.status())) return;
    if (this.#tokenFailed) {
      // No ticket could be fetched: reconnect (the provider waits a moment) and try again.
      this.#tokenFailed = false;
      this.#link?.reconnect();
      return;
    }
    const error: PresenceError = { code: 'refused', message: `the gateway refused the presence ticket: ${reason}` };
    host.setLastError(error);
    this.#refusals += 1;
    // The gateway closes the socket; the provider reconnects with a fresh ticket.
    if (this.#refusals >= (host.options.maxRefusals ?? 5)) host.fail('failed', error);
  }

  #updatePeers(): void {
    const link = this.#link;
    if (!this.#host.current(this.#session) || link === null) return;
    const awareness = this.#host.awareness();
    const peers: PresencePeer[] = [];
    for (const [clientId, state] of link.others()) {
      const parsed = awareness.safeParse(state);
      if (parsed.success) peers.push({ clientId, state: parsed.data });
    }
    this.#host.setPeers(peers);
  }
}

const FINAL_STATUS: Partial<Record<number, PresenceStatus>> = {
  400: 'failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
};

/** The resting status a ticket failure leads to, or null when it is worth retrying. */
function finalStatus(error: TicketError): PresenceStatus | null {
  return error.status === undefined ? null : (FINAL_STATUS[error.status] ?? null);
}
