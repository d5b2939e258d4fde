import type { PresenceCloseReason } from '@easel/schemas';
import type { PartitionId } from '../core/spine/EventSpine.ts';
import type { TicketRecord } from './TicketStore.ts';

/** One authenticated document connection. */
export interface PresenceSession {
  readonly record: TicketRecord;
  /** Ends the connection (the gateway's side); the registry has already dropped it. */
  close(reason: PresenceCloseReason): void;
}

/** Options of {@link PresenceSessions}. */
export interface PresenceSessionsOptions {
  /** Does the lens (as it is now) let the session's actor see its canvas? Null: cannot tell (kept). */
  allows(record: TicketRecord): Promise<boolean | null>;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** Longest timer Node runs as asked (longer ones fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The live presence connections by partition: closes them when a lens change takes the actor's
 * sight of the canvas away (`recheck`), and when the bearer token their ticket was issued under
 * expires.
 */
export class PresenceSessions {
  readonly #byPartition = new Map<PartitionId, Set<PresenceSession>>();
  readonly #timers = new Map<PresenceSession, NodeJS.Timeout>();
  readonly #options: PresenceSessionsOptions;
  readonly #now: () => number;

  constructor(options: PresenceSessionsOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#timers.size;
  }

  add(session: PresenceSession): void {
    const partition = partitionOf(session.record);
    let set = this.#byPartition.get(partition);
    if (set === undefined) {
      set = new Set();
      this.#byPartition.set(partition, set);
    }
    set.add(session);
    this.#arm(session);
  }

  /** Forgets a session (it ended on its own). */
  remove(session: PresenceSession): void {
    const timer = this.#timers.get(session);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(session);
    const partition = partitionOf(session.record);
    const set = this.#byPartition.get(partition);
    set?.delete(session);
    if (set?.size === 0) this.#byPartition.delete(partition);
  }

  /** After a lens change in `partition`: closes the sessions whose actor can no longer see the canvas. */
  async recheck(partition: PartitionId): Promise<number> {
    const sessions = [...(this.#byPartition.get(partition) ?? [])];
    let closed = 0;
    for (const session of sessions) {
      if ((await this.#options.allows(session.record)) === false && this.#timers.has(session)) {
        this.end(session, 'access_revoked');
        closed += 1;
      }
    }
    return closed;
  }

  /** Checks one session now (it may have missed a lens change while it was being set up). */
  async check(session: PresenceSession): Promise<void> {
    if ((await this.#options.allows(session.record)) === false && this.#timers.has(session)) {
      this.end(session, 'access_revoked');
    }
  }

  /** Closes every session (shutdown). */
  closeAll(reason: PresenceCloseReason): void {
    for (const session of [...this.#timers.keys()]) this.end(session, reason);
  }

  /** Drops a session and closes it. */
  end(session: PresenceSession, reason: PresenceCloseReason): void {
    if (!this.#timers.has(session)) return;
    this.remove(session);
    session.close(reason);
  }

  #arm(session: PresenceSession): void {
    const wait = session.record.tokenExpiresAtMs - this.#now();
    const timer = setTimeout(
      () => {
        if (this.#now() >= session.record.tokenExpiresAtMs) this.end(session, 'token_expired');
        else if (this.#timers.has(session)) this.#arm(session);
      },
      Math.min(MAX_TIMER_MS, Math.max(0, wait) + 5),
    );
    timer.unref();
    this.#timers.set(session, timer);
  }
}

function partitionOf(record: TicketRecord): PartitionId {
  return `${record.tenantId}/${record.projectId}`;
}
