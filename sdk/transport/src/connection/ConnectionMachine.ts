import { Listeners } from '../lib/Listeners.ts';
import type { Timers } from '../lib/deps.ts';
import { BACKOFF_TIERS, type BackoffDelay, type BackoffTier, backoffDelay } from './backoff.ts';

/**
 * The connection lifecycle as an explicit state machine (no pile of booleans):
 *
 * ```
 * idle ──start──► connecting ──opened──► open
 *                  │   ▲  │               │ lost (network, ended, stalled)
 *                  │   │  └──failed──► backoff ◄┘
 *                  │   └──── timer ──────┘
 *                  ├─ 401 (once: straight back to connecting with a fresh token) ─► auth_failed
 *                  ├─ 403 ─► forbidden
 *                  └─ 400 ─► failed
 * any ──close──► closed
 * ```
 *
 * `auth_failed`, `forbidden`, `failed` and `closed` wait for an explicit `start()`: there is
 * no hot retry loop on a refusal. The machine performs no I/O: it asks for an attempt through
 * `onAttempt` and is told the result with the attempt's id, so a late answer from an aborted
 * attempt is ignored.
 */
export const CONNECTION_STATES = [
  'idle',
  'connecting',
  'open',
  'backoff',
  'closed',
  'auth_failed',
  'forbidden',
  'failed',
] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/** What applications see, derived from the state. */
export const CONNECTION_STATUSES = [
  'connecting',
  'open',
  'reconnecting',
  'offline',
  'closed',
  'unauthorized',
  'forbidden',
] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** Why an attempt or an open connection ended. */
export const FAILURE_KINDS = [
  'network',
  'ended',
  'stalled',
  'server',
  'not_found',
  'unauthorized',
  'forbidden',
  'invalid',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface Failure {
  readonly kind: FailureKind;
  readonly message?: string;
  /** HTTP status when the server answered. */
  readonly status?: number;
  /** A `Retry-After` the server sent with this answer, in ms. */
  readonly retryAfterMs?: number;
}

export interface Attempt {
  readonly id: number;
  /** True when this attempt follows a 401: the token must be acquired afresh. */
  readonly reauth: boolean;
}

export interface ConnectionMachineOptions {
  readonly timers: Timers;
  readonly random: () => number;
  /** Called on every entry into `connecting`: start the attempt and report back with its id. */
  readonly onAttempt: (attempt: Attempt) => void;
  /** Backoff tiers (default {@link BACKOFF_TIERS}). */
  readonly tiers?: readonly BackoffTier[];
  /** Consecutive failures after which the status reads `offline` instead of `reconnecting` (default 3). */
  readonly offlineAfter?: number;
}

export class ConnectionMachine {
  #state: ConnectionState = 'idle';
  #status: ConnectionStatus = 'closed';
  #failures = 0;
  #hasOpened = false;
  #authRetried = false;
  #serverRetryMs: number | null = null;
  #attemptId = 0;
  #timer: unknown = null;
  #lastFailure: Failure | null = null;
  #nextDelay: BackoffDelay | null = null;
  readonly #options: ConnectionMachineOptions;
  readonly #statusListeners = new Listeners<[ConnectionStatus]>();
  readonly #stateListeners = new Listeners<[ConnectionState, ConnectionState]>();

  constructor(options: ConnectionMachineOptions) {
    this.#options = options;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** Consecutive failed attempts since the last successful open. */
  get failures(): number {
    return this.#failures;
  }

  get lastFailure(): Failure | null {
    return this.#lastFailure;
  }

  /** The delay chosen for the current backoff (null outside `backoff`). */
  get nextDelay(): BackoffDelay | null {
    return this.#nextDelay;
  }

  get serverRetryMs(): number | null {
    return this.#serverRetryMs;
  }

  /** The id of the attempt in progress (or the last one). */
  get attemptId(): number {
    return this.#attemptId;
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.#statusListeners.add(listener);
  }

  onTransition(listener: (state: ConnectionState, previous: ConnectionState) => void): () => void {
    return this.#stateListeners.add(listener);
  }

  /** The server's `retry:` field: the base of every later backoff. */
  setServerRetry(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.#serverRetryMs = ms;
  }

  /**
   * Connects from any resting state (idle, closed, auth_failed, forbidden, failed), or skips
   * the rest of a backoff wait. No-op while connecting or open.
   */
  start(): void {
    if (this.#state === 'connecting' || this.#state === 'open') return;
    if (this.#state !== 'backoff') {
      this.#failures = 0;
      this.#authRetried = false;
      this.#lastFailure = null;
    }
    this.#enterConnecting(false);
  }

  /**
   * The attempt got its 200 and headers: the connection is open. The failure count (the backoff
   * tier) is kept until it proves useful (`healthy`): a server that opens every stream and ends it
   * at once is not reconnected to from the first tier forever.
   */
  opened(attemptId: number): void {
    if (attemptId !== this.#attemptId || this.#state !== 'connecting') return;
    this.#authRetried = false;
    this.#hasOpened = true;
    this.#lastFailure = null;
    this.#transition('open');
  }

  /** The open connection delivered something: the backoff starts again from the first tier. */
  healthy(): void {
    if (this.#state === 'open') this.#failures = 0;
  }

  /** The attempt was refused, or the open connection ended. */
  failed(attemptId: number, failure: Failure): void {
    if (attemptId !== this.#attemptId) return;
    if (this.#state !== 'connecting' && this.#state !== 'open') return;
    this.#lastFailure = failure;
    switch (failure.kind) {
      case 'unauthorized':
        if (!this.#authRetried) {
          this.#authRetried = true;
          this.#enterConnecting(true);
        } else {
          this.#transition('auth_failed');
        }
        return;
      case 'forbidden':
        this.#transition('forbidden');
        return;
      case 'invalid':
        this.#transition('failed');
        return;
      default:
        this.#enterBackoff(failure.retryAfterMs);
    }
  }

  /** Stops everything; `start()` connects again. */
  close(): void {
    this.#clearTimer();
    this.#attemptId += 1;
    this.#transition('closed');
  }

  #enterConnecting(reauth: boolean): void {
    this.#clearTimer();
    this.#attemptId += 1;
    const attempt: Attempt = { id: this.#attemptId, reauth };
    this.#transition('connecting');
    // The state may have changed inside a listener; only attempt if still connecting for us.
    if (this.#state === 'connecting' && this.#attemptId === attempt.id) this.#options.onAttempt(attempt);
  }

  #enterBackoff(retryAfterMs?: number | null): void {
    this.#failures += 1;
    // (0: no hint, as for `backoffDelay`.)
    const base = Math.max(this.#serverRetryMs ?? 0, retryAfterMs ?? 0);
    const delay = backoffDelay(this.#failures, this.#options.random, base, this.#options.tiers ?? BACKOFF_TIERS);
    this.#nextDelay = delay;
    this.#transition('backoff');
    this.#clearTimer();
    const attemptAtSchedule = this.#attemptId;
    this.#timer = this.#options.timers.setTimeout(() => {
      this.#timer = null;
      if (this.#state === 'backoff' && this.#attemptId === attemptAtSchedule) this.#enterConnecting(false);
    }, delay.ms);
  }

  #clearTimer(): void {
    if (this.#timer !== null) {
      this.#options.timers.clearTimeout(this.#timer);
      this.#timer = null;
    }
  }

  #transition(next: ConnectionState): void {
    const previous = this.#state;
    if (next !== 'backoff') this.#nextDelay = null;
    this.#state = next;
    if (previous !== next) this.#stateListeners.emit(next, previous);
    const status = this.#derive();
    if (status !== this.#status) {
      this.#status = status;
      this.#statusListeners.emit(status);
    }
  }

  #derive(): ConnectionStatus {
    const offlineAfter = this.#options.offlineAfter ?? 3;
    switch (this.#state) {
      case 'open':
        return 'open';
      case 'auth_failed':
        return 'unauthorized';
      case 'forbidden':
        return 'forbidden';
      case 'connecting':
      case 'backoff':
        // (A backoff follows a failure: only a first attempt reads `connecting`.)
        if (this.#failures === 0 && !this.#hasOpened) return 'connecting';
        return this.#failures >= offlineAfter ? 'offline' : 'reconnecting';
      default:
        return 'closed';
    }
  }
}
