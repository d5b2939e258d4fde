import type { AwarenessState, CanvasScope } from '@easel/schemas';
import { awarenessStateGuard } from '@easel/schemas/guards';
import { backoffDelay } from '../connection/backoff.ts';
import type { Deps } from '../lib/deps.ts';
import { Listeners } from '../lib/Listeners.ts';
import { errorMessage } from '../lib/errorMessage.ts';
import { type Result, err, ok } from '../lib/Result.ts';
import { resolveToken, type TokenSource } from '../lib/token.ts';
import { type Parser, describeIssues, loadSchemas } from '../lib/validation.ts';
import { fetchPresenceTicket, type TicketError } from './fetchPresenceTicket.ts';
import type { WebSocketConstructor } from './loadWebSocket.ts';
import type { PresenceHost, PresenceKit, PresenceRun } from './presenceRun.ts';
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

const KIT: PresenceKit = {
  fetchPresenceTicket,
  resolveToken,
  backoffDelay,
  loadSchemas,
  isFinal,
};

/**
 * Presence on one canvas (contract §7): who else is here (humans and agents) and where their
 * cursors are. Ephemeral, never truth. Built on the Hocuspocus provider: every (re)connect
 * authenticates with a fresh single-use ticket from `POST /v1/presence/tickets`. Works in
 * browsers and in Node (agents). The connection part (and the provider) is loaded on the first
 * `join()` only: a {@link PresenceRun} per joined session.
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
  /** The current session's connection, once loaded. */
  #run: PresenceRun | null = null;
  /** Bumped by every start and leave: callbacks of an older session are ignored. */
  #session = 0;
  #lastError: PresenceError | null = null;
  /** Validates states: the guard, or the zod schema once loaded (`validate: 'full'`, on join). */
  #awareness: Parser<AwarenessState> = awarenessStateGuard;
  readonly #joinWaiters = new Set<(result: Result<void, PresenceError>) => void>();
  readonly #host: PresenceHost;

  constructor(options: PresenceOptions) {
    this.#options = options;
    this.#actor = typeof options.token === 'string' ? tokenActor(options.token) : null;
    this.#actorKnown = typeof options.token === 'string';
    this.#host = {
      options,
      current: (session) => session === this.#session,
      status: () => this.#status,
      setStatus: (status) => this.#setStatus(status),
      local: () => this.#local,
      refreshLocal: () => this.#refreshLocal(),
      learnActor: (token) => {
        if (this.#actorKnown) return;
        this.#actor = tokenActor(token);
        this.#actorKnown = true;
      },
      setLastError: (error) => {
        this.#lastError = error;
      },
      fail: (status, error) => this.#fail(status, error),
      joined: () => {
        this.#lastError = null;
        this.#setStatus('joined');
        this.#resolveWaiters(ok(undefined));
      },
      setPeers: (peers) => {
        this.#peers = peers;
        this.#peerListeners.emit(peers);
      },
      awareness: () => this.#awareness,
      setAwareness: (parser) => {
        this.#awareness = parser;
      },
    };
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
      this.#setStatus('connecting');
      void this.#begin(session);
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

  /** Loads the connection part and starts the session's run. */
  async #begin(session: number): Promise<void> {
    let Run: typeof PresenceRun;
    try {
      Run = (await import('./presenceRun.ts')).PresenceRun;
    } catch (error) {
      const message = `cannot load presence: ${errorMessage(error)}`;
      if (session === this.#session) this.#fail('failed', { code: 'network', message });
      return;
    }
    if (session !== this.#session) return;
    this.#run = new Run(this.#host, session, KIT);
    await this.#run.start();
  }

  /** Completes the draft with the actor defaults, validates it and schedules sending it. */
  #refreshLocal(): Result<void, PresenceError> {
    const draft = this.#draft;
    if (draft === null) this.#local = null;
    else {
      const id = draft.actor?.id ?? this.#actor?.id;
      if (id === undefined) {
        // A token function is read on join: the state is checked then.
        if (!this.#actorKnown) return ok(undefined);
        return err({ code: 'invalid_state', message: 'state.actor.id: required (no JWT actor)' });
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
    }
    // Sent through the run (throttled there); before it is linked, the provider is built with it.
    this.#run?.send();
    return ok(undefined);
  }

  #fail(status: PresenceStatus, error: PresenceError): void {
    this.#lastError = error;
    this.#session += 1;
    this.#teardown();
    this.#setStatus(status);
    this.#resolveWaiters(err(error));
  }

  #teardown(): void {
    this.#run?.stop(); // tells the others this participant left
    this.#run = null;
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
    // (No copy: a waiter deletes only itself, which `Set` iteration allows, and runs no caller code.)
    for (const waiter of this.#joinWaiters) waiter(result);
  }
}

function isFinal(status: PresenceStatus): boolean {
  return status === 'unauthorized' || status === 'forbidden' || status === 'not_found' || status === 'failed';
}
