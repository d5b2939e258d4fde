import type { ClientIdClaimer } from './ClientIdClaimer.ts';

/** Options of {@link ClientIdClaims}. */
export interface ClientIdClaimsOptions {
  /**
   * How long a client id stays bound to its actor after its last connection went, ms: a provider
   * keeps its client id across reconnects (backoff up to 30 s, then a fresh ticket). Default 5 min.
   */
  holdMs?: number;
  /** Most released ids remembered, all documents together (the oldest go first). Default 100 000. */
  maxReleased?: number;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
}

interface Claim {
  readonly actorId: string;
  /** Connections speaking for the id now (an actor's reconnect may overlap its old connection). */
  holders: number;
  /** When the last holder went; 0 while held. */
  releasedAt: number;
}

/**
 * Which actor each awareness client id of a presence document belongs to (contract §7: no one
 * speaks for another). The first actor to speak for an id keeps it while connected and
 * `holdMs` after: another actor cannot take it while its owner reconnects (it would hide the
 * owner's cursor, or show its own in its place). Ids are random 32-bit numbers per provider, so
 * honest actors do not collide.
 */
export class ClientIdClaims implements ClientIdClaimer {
  readonly #claims = new Map<string, Map<number, Claim>>();
  /** Released claims, oldest first (`document \0 clientId`). */
  readonly #released = new Map<string, { document: string; clientId: number }>();
  readonly #holdMs: number;
  readonly #maxReleased: number;
  readonly #now: () => number;

  constructor(options: ClientIdClaimsOptions = {}) {
    this.#holdMs = options.holdMs ?? 5 * 60_000;
    this.#maxReleased = options.maxReleased ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** Ids remembered (held or recently released). */
  get size(): number {
    let n = 0;
    for (const ids of this.#claims.values()) n += ids.size;
    return n;
  }

  /** The actor `clientId` of `document` is bound to (held, or released less than `holdMs` ago), if any. */
  owner(document: string, clientId: number): string | undefined {
    this.#sweep();
    return this.#claims.get(document)?.get(clientId)?.actorId;
  }

  /**
   * Every id remembered, with how long it stays bound from now, ms (`holdMs` while held): what a
   * shared store must be told again after it lost its keys.
   */
  *entries(): IterableIterator<{ document: string; clientId: number; actorId: string; remainingMs: number }> {
    this.#sweep();
    const now = this.#now();
    for (const [document, ids] of this.#claims) {
      for (const [clientId, claim] of ids) {
        const remainingMs = claim.holders > 0 ? this.#holdMs : this.#holdMs - (now - claim.releasedAt);
        if (remainingMs > 0) yield { document, clientId, actorId: claim.actorId, remainingMs };
      }
    }
  }

  /** Binds `clientId` of `document` to `actorId`; false when it is another actor's. */
  claim(document: string, clientId: number, actorId: string): boolean {
    this.#sweep();
    let ids = this.#claims.get(document);
    const claim = ids?.get(clientId);
    if (claim !== undefined) {
      if (claim.actorId !== actorId) return false;
      claim.holders += 1;
      claim.releasedAt = 0;
      this.#released.delete(key(document, clientId));
      return true;
    }
    if (ids === undefined) {
      ids = new Map();
      this.#claims.set(document, ids);
    }
    ids.set(clientId, { actorId, holders: 1, releasedAt: 0 });
    return true;
  }

  /** One connection of `actorId` stopped speaking for `clientId`. */
  release(document: string, clientId: number, actorId: string): void {
    const claim = this.#claims.get(document)?.get(clientId);
    if (claim === undefined || claim.actorId !== actorId || claim.holders === 0) return;
    claim.holders -= 1;
    if (claim.holders > 0) return;
    claim.releasedAt = this.#now();
    this.#released.set(key(document, clientId), { document, clientId });
    this.#sweep();
  }

  /** Forgets released claims past `holdMs`, and the oldest beyond `maxReleased`. */
  #sweep(): void {
    const now = this.#now();
    for (const [k, { document, clientId }] of this.#released) {
      const ids = this.#claims.get(document);
      const claim = ids?.get(clientId);
      const expired = claim === undefined || now - claim.releasedAt >= this.#holdMs;
      if (!expired && this.#released.size <= this.#maxReleased) break;
      this.#released.delete(k);
      if (claim !== undefined && claim.holders === 0) ids!.delete(clientId);
      if (ids?.size === 0) this.#claims.delete(document);
    }
  }
}

function key(document: string, clientId: number): string {
  return `${document}\0${clientId}`;
}
