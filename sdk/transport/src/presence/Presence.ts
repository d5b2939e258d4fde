import type { AwarenessState, CanvasScope, PresenceTicket } from '@easel/schemas';
import { awarenessStateGuard } from '@easel/schemas/guards';
import type { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { backoffDelay } from '../connection/backoff.ts';
import type { Deps } from '../lib/deps.ts';
import { Listeners } from '../lib/Listeners.ts';
import { type Result, err, ok } from '../lib/Result.ts';
import { resolveToken, type TokenSource } from '../lib/token.ts';
import { type Parser, describeIssues, loadSchemas } from '../lib/validation.ts';
import { fetchPresenceTicket, type TicketError } from './fetchPresenceTicket.ts';
import { loadWebSocket, type WebSocketConstructor } from './loadWebSocket.ts';
import { actorColor, type TokenActor, tokenActor } from './tokenActor.ts';

/**
 * Where presence is: `idle` (not joined), `connecting`, `joined`, `reconnecting`, or resting
 * after a final answer: `unauthorized` (401), `forbidden` (403: the lens shows nothing of the
 * canvas, or access was revoked), `not_found` (404: no such canvas), `failed` (bad scope, or
 * tickets refused again and again).
 */
export const PRESENCE_STATUSES = [
  'idle',
  'connecting',
  'joined',
  'reconnecting',
  'unauthorized',
  'forbidden',
  'not_found',
  'failed',
] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

/** Why presence could not join, or a local state was refused. */
export interface PresenceError {
  readonly code: TicketError['code'] | 'timeout' | 'closed' | 'invalid_state' | 'refused' | 'no_websocket';
  readonly message: string;
}

/** Another participant (human or agent) and its validated awareness state. */
export interface PresencePeer {
  /** The Yjs awareness client id (one per tab or agent connection). */
  readonly clientId: number;
  readonly state: AwarenessState;
}

/** A local state; `actor.id` and `actor.kind` default to the token's `sub` and `kind`, name and colour too. */
export type LocalPresence = Omit<AwarenessState, 'actor'> & { actor?: Partial<AwarenessState['actor']> };

export interface PresenceOptions {
  readonly deps: Deps;
  /** Gateway origin (no trailing slash). */
  readonly baseUrl: string;
  /** The bearer token (or a function returning one), used for every ticket. */
  readonly token: TokenSource;
  /** The canvas (its scope) whose presence to join. */
  readonly scope: CanvasScope;
  /** WebSocket class. Default: the `ws` package in Node, the global `WebSocket` in browsers. */
  readonly WebSocket?: WebSocketConstructor;
  /** Most local state updates sent per second (the gateway allows ≈ 30); later ones coalesce. Default 30. */
  readonly maxRateHz?: number;
  /** Refused tickets in a row after which presence gives up (`failed`). Default 5. */
  readonly maxRefusals?: number;
}

const FINAL_STATUS: Partial<Record<number, PresenceStatus>> = {
  400: 'failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
};

/**
 * Presence on one canvas (contract §7): who else is here (humans and agents) and where their
 * cursors are. Ephemeral, never truth. Built on the Hocuspocus provider: every (re)connect
 * authenticates with a fresh single-use ticket from `POST /v1/presence/tickets`. Works in
 * browsers and in Node (agents). The provider is loaded on the first `join()` only.
 */
export class Presence {
  readonly #options: PresenceOptions;
  readonly #statusListeners = new Listeners<[PresenceStatus]>();
  readonly #peerListeners = new Listeners<[readonly PresencePeer[]]>();
  #status: PresenceStatus = 'idle';
  #peers: readonly PresencePeer[] = [];
  #actor: TokenActor | null;
  /** Whether the token was read (so a missing actor id is final). */
  #actorKnown: boolean;
  /** What the caller set (before actor defaults), and the full state sent. */
  #draft: LocalPresence | null = null;
  #local: AwarenessState | null = null;
  #provider: HocuspocusProvider | null = null;
  #socket: HocuspocusProviderWebsocket | null = null;
  /** Bumped by every start and leave: callbacks of an older session are ignored. */
  #session = 0;
  #prefetched: PresenceTicket | null = null;
  #refusals = 0;
  #startFailures = 0;
  #tokenFailed = false;
  #lastError: PresenceError | null = null;
  #sendTimer: unknown = null;
  #retryTimer: unknown = null;
  #dirty = false;
  /** Validates states: the guard, or the zod schema once loaded (`validate: 'full'`, on join). */
  #awareness: Parser<AwarenessState> = awarenessStateGuard;
  readonly #joinWaiters = new Set<(result: Result<void, PresenceError>) => void>();

  constructor(options: PresenceOptions) {
    this.#options = options;
    this.#actor = typeof options.token === 'string' ? tokenActor(options.token) : null;
    this.#actorKnown = typeof options.token === 'string';
  }

  get status(): PresenceStatus {
    return this.#status;
  }

  /** The last failure (refused ticket, unreachable gateway, …), if any. */
  get lastError(): PresenceError | null {
    return this.#lastError;
  }

  /** The local state as sent (actor filled in), or null when hidden. */
  get local(): AwarenessState | null {
    return this.#local;
  }

  onStatus(listener: (status: PresenceStatus) => void): () => void {
    return this.#statusListeners.add(listener);
  }

  /** The others on this canvas, with valid states (this connection excluded). */
  peers(): readonly PresencePeer[] {
    return this.#peers;
  }

  /** Called with the full list whenever someone's state changes, joins or leaves. */
  onPeers(listener: (peers: readonly PresencePeer[]) => void): () => void {
    return this.#peerListeners.add(listener);
  }

  /**
   * Joins (connects, with a fresh ticket for every connection) and resolves once the gateway
   * accepted the ticket, or with why not: a final refusal (`unauthorized`, `forbidden`,
   * `not_found`, …) or `timeout` (it keeps trying after a timeout). `initial` sets the local state first.
   */
  async join(
    initial?: LocalPresence | null,
    options: { timeoutMs?: number } = {},
  ): Promise<Result<void, PresenceError>> {
    if (initial !== undefined) this.#draft = initial;
    if (this.#status === 'joined') return this.#refreshLocal();
    if (this.#status === 'idle' || isFinal(this.#status)) {
      const session = ++this.#session;
      this.#refusals = 0;
      this.#startFailures = 0;
      this.#setStatus('connecting');
      void this.#start(session);
    }
    return new Promise((resolve) => {
      const finish = (result: Result<void, PresenceError>) => {
        this.#joinWaiters.delete(finish);
        this.#options.deps.timers.clearTimeout(timer);
        resolve(result);
      };
      this.#joinWaiters.add(finish);
      const timer = this.#options.deps.timers.setTimeout(
        () =>
          finish(err({ code: 'timeout', message: `not joined in time (${this.#lastError?.message ?? this.#status})` })),
        options.timeoutMs ?? 15_000,
      );
    });
  }

  /** Leaves: others see this participant go; connections close. `join()` again to come back. */
  leave(): void {
    this.#session += 1;
    this.#teardown();
    this.#setStatus('idle');
    this.#resolveWaiters(err({ code: 'closed', message: 'presence was left' }));
  }

  /**
   * Replaces the local state (null hides this participant). Sent at most `maxRateHz` times a
   * second, the latest winning. Refused (`invalid_state`) when it does not satisfy the awareness
   * schema, e.g. a colour that is not `#rgb`/`#rrggbb`.
   */
  setLocal(state: LocalPresence | null): Result<void, PresenceError> {
    this.#draft = state;
    return this.#refreshLocal();
  }

  /** Merges `fields` into the local state (e.g. `{cursor: {x, y}}`). */
  updateLocal(fields: Partial<LocalPresence>): Result<void, PresenceError> {
    const base = this.#draft ?? {};
    const actor = fields.actor || base.actor ? { ...base.actor, ...fields.actor } : undefined;
    return this.setLocal({ ...base, ...fields, ...(actor ? { actor } : {}) });
  }

  // ── internals ─────────────────────────────────────────────────────────────

  /** Completes the draft with the actor defaults, validates it and schedules sending it. */
  #refreshLocal(): Result<void, PresenceError> {
    const draft = this.#draft;
    if (draft === null) {
      this.#local = null;
      this.#scheduleSend();
      return ok(undefined);
    }
    const id = draft.actor?.id ?? this.#actor?.id;
    if (id === undefined) {
      // A token function is read on join: the state is checked then.
      if (!this.#actorKnown) return ok(undefined);
      return err({ code: 'invalid_state', message: 'state.actor.id: required (the token is not a JWT naming it)' });
    }
    const candidate = {
      ...draft,
      actor: {
        id,
        kind: draft.actor?.kind ?? this.#actor?.kind ?? 'human',
        name: draft.actor?.name ?? this.#actor?.name ?? id,
        color: draft.actor?.color ?? actorColor(id),
      },
    };
    const parsed = this.#awareness.safeParse(candidate);
    if (!parsed.success) return err({ code: 'invalid_state', message: describeIssues(parsed.error, 'state') });
    this.#local = parsed.data;
    this.#scheduleSend();
    return ok(undefined);
  }

  /** Leading and trailing throttle of local state updates to `maxRateHz`. */
  #scheduleSend(): void {
    if (this.#provider === null) return; // applied when the provider is built
    if (this.#sendTimer !== null) {
      this.#dirty = true;
      return;
    }
    this.#provider.awareness?.setLocalState(this.#local);
    const interval = Math.ceil(1000 / (this.#options.maxRateHz ?? 30));
    const tick = () => {
      this.#sendTimer = null;
      if (!this.#dirty || this.#provider === null) return;
      this.#dirty = false;
      this.#provider.awareness?.setLocalState(this.#local);
      this.#sendTimer = this.#options.deps.timers.setTimeout(tick, interval);
    };
    this.#sendTimer = this.#options.deps.timers.setTimeout(tick, interval);
  }

  async #start(session: number): Promise<void> {
    const WebSocketClass = await loadWebSocket(this.#options.WebSocket);
    if (session !== this.#session) return;
    if (WebSocketClass === null) {
      return this.#fail('failed', { code: 'no_websocket', message: 'no WebSocket class: pass options.WebSocket' });
    }
    if (this.#options.deps.validate === 'full') {
      this.#awareness = (await loadSchemas()).awarenessStateSchema;
      if (session !== this.#session) return;
    }
    const first = await this.#fetchTicket();
    if (session !== this.#session) return;
    if (!first.ok) return this.#retryStart(session, first.error);
    const invalid = this.#refreshLocal();
    if (!invalid.ok) return this.#fail('failed', invalid.error);
    const { HocuspocusProvider, HocuspocusProviderWebsocket } = await import('@hocuspocus/provider');
    if (session !== this.#session) return;
    this.#prefetched = first.value;
    const socket = new HocuspocusProviderWebsocket({ url: first.value.url, WebSocketPolyfill: WebSocketClass });
    const provider = new HocuspocusProvider({
      websocketProvider: socket,
      name: first.value.document,
      token: () => this.#ticketFor(session),
      // The gateway answers a sync step: the connection stays "alive" for the provider even
      // when nobody moves (its watchdog reconnects after 30 s without a message).
      forceSyncInterval: 10_000,
      onAuthenticated: () => this.#authenticated(session),
      onAuthenticationFailed: ({ reason }) => this.#refused(session, reason),
    });
    this.#socket = socket;
    this.#provider = provider;
    const awareness = provider.awareness!;
    awareness.setLocalState(this.#local);
    // The provider sends every awareness change, its peers' included (an echo the gateway
    // drops): send only this client's own state.
    awareness.off('update', provider.boundAwarenessUpdateHandler);
    awareness.on('update', (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      const own = provider.document.clientID;
      const mine = changes.added.includes(own) || changes.updated.includes(own) || changes.removed.includes(own);
      if (mine && origin !== provider)
        provider.boundAwarenessUpdateHandler({ added: [own], updated: [], removed: [] }, origin);
    });
    awareness.on('change', () => this.#updatePeers(session));
    socket.on('disconnect', () => {
      if (session === this.#session && this.#status === 'joined') this.#setStatus('reconnecting');
    });
    provider.attach();
  }

  /** The provider's token: the first connection's prefetched ticket, then a fresh one each time. */
  async #ticketFor(session: number): Promise<string> {
    const prefetched = this.#prefetched;
    this.#prefetched = null;
    if (prefetched !== null && Date.parse(prefetched.expires_at) - this.#options.deps.now() > 1000) {
      return prefetched.ticket;
    }
    const fetched = await this.#fetchTicket();
    if (fetched.ok) return fetched.value.ticket;
    if (session === this.#session) {
      const final = finalStatus(fetched.error);
      if (final !== null) this.#fail(final, fetched.error);
      else this.#tokenFailed = true;
    }
    throw new Error(fetched.error.message);
  }

  async #fetchTicket(): Promise<Result<PresenceTicket, TicketError>> {
    const token = await resolveToken(this.#options.token);
    if (!token.ok) return err({ code: 'unauthenticated', message: token.message, status: 401 });
    if (!this.#actorKnown) {
      this.#actor = tokenActor(token.value);
      this.#actorKnown = true;
    }
    const fetched = await fetchPresenceTicket({ ...this.#options, token: token.value });
    if (!fetched.ok) this.#lastError = fetched.error;
    return fetched;
  }

  /** The first ticket could not be had: final answers rest; others retry with backoff. */
  #retryStart(session: number, error: TicketError): void {
    const final = finalStatus(error);
    if (final !== null) {
      this.#fail(final, error);
      return;
    }
    this.#startFailures += 1;
    const delay = backoffDelay(this.#startFailures, this.#options.deps.random);
    this.#retryTimer = this.#options.deps.timers.setTimeout(() => {
      this.#retryTimer = null;
      if (session === this.#session) void this.#start(session);
    }, delay.ms);
  }

  #authenticated(session: number): void {
    if (session !== this.#session) return;
    // Announce the local state again with a newer clock: after a reconnect the others (and the
    // gateway) dropped it, and y-protocols ignores a state sent again under the clock it had.
    const awareness = this.#provider?.awareness;
    if (awareness && this.#local !== null) awareness.setLocalState(this.#local);
    this.#refusals = 0;
    this.#lastError = null;
    this.#setStatus('joined');
    this.#resolveWaiters(ok(undefined));
  }

  #refused(session: number, reason: string): void {
    if (session !== this.#session || isFinal(this.#status)) return;
    if (this.#tokenFailed) {
      // No ticket could be fetched: reconnect (the provider waits a moment) and try again.
      this.#tokenFailed = false;
      this.#socket?.webSocket?.close();
      return;
    }
    this.#lastError = { code: 'refused', message: `the gateway refused the presence ticket: ${reason}` };
    this.#refusals += 1;
    // The gateway closes the socket; the provider reconnects with a fresh ticket.
    if (this.#refusals >= (this.#options.maxRefusals ?? 5)) this.#fail('failed', this.#lastError);
  }

  #updatePeers(session: number): void {
    const provider = this.#provider;
    if (session !== this.#session || provider === null) return;
    const own = provider.document.clientID;
    const peers: PresencePeer[] = [];
    for (const [clientId, state] of provider.awareness?.getStates() ?? []) {
      if (clientId === own) continue;
      const parsed = this.#awareness.safeParse(state);
      if (parsed.success) peers.push({ clientId, state: parsed.data });
    }
    this.#peers = peers;
    this.#peerListeners.emit(peers);
  }

  #fail(status: PresenceStatus, error: PresenceError): void {
    this.#lastError = error;
    this.#session += 1;
    this.#teardown();
    this.#setStatus(status);
    this.#resolveWaiters(err(error));
  }

  #teardown(): void {
    const timers = this.#options.deps.timers;
    if (this.#sendTimer !== null) timers.clearTimeout(this.#sendTimer);
    if (this.#retryTimer !== null) timers.clearTimeout(this.#retryTimer);
    this.#sendTimer = null;
    this.#retryTimer = null;
    this.#dirty = false;
    this.#prefetched = null;
    const provider = this.#provider;
    const socket = this.#socket;
    this.#provider = null;
    this.#socket = null;
    provider?.destroy(); // tells the others this participant left
    socket?.destroy();
    if (this.#peers.length > 0) {
      this.#peers = [];
      this.#peerListeners.emit(this.#peers);
    }
  }

  #setStatus(status: PresenceStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.#statusListeners.emit(status);
  }

  #resolveWaiters(result: Result<void, PresenceError>): void {
    for (const waiter of [...this.#joinWaiters]) waiter(result);
  }
}

function isFinal(status: PresenceStatus): boolean {
  return status === 'unauthorized' || status === 'forbidden' || status === 'not_found' || status === 'failed';
}

/** The resting status a ticket failure leads to, or null when it is worth retrying. */
function finalStatus(error: TicketError): PresenceStatus | null {
  return error.status === undefined ? null : (FINAL_STATUS[error.status] ?? null);
}
