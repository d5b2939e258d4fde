import { Redis } from 'ioredis';
import type { ClientIdClaimer } from './ClientIdClaimer.ts';
import { ClientIdClaims } from './ClientIdClaims.ts';

/** Options of {@link RedisClientIdClaims}. */
export interface RedisClientIdClaimsOptions {
  /** Redis URL every node of the deployment shares. */
  url: string;
  /** Key prefix (one per deployment). Keys are `<prefix>:presence-claim:<document>:<clientId>`. */
  prefix: string;
  /** How long an id stays bound after its actor's last connection went, ms. Default 5 min. */
  holdMs?: number;
  /** How long a "another actor's" answer from Redis is trusted on this node, ms. Default 2000. */
  refusalCacheMs?: number;
  /**
   * After a reconnect, how long ids Redis does not know are not granted (answered "ask again"), ms:
   * long enough for every node to reconnect and tell Redis what it remembers, should Redis have
   * lost its keys. Default 3000.
   */
  settleMs?: number;
  /** Where connection errors go (rate-limited by the caller's logger, if at all). */
  onError?: (err: Error) => void;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * Binds the key to ARGV[1] if it is free (unless ARGV[3] is '0': then -1) or already ARGV[1]'s
 * (1), else answers its owner. Its TTL becomes at least ARGV[2] ms, never less than it was: a node
 * re-telling what it remembers after Redis lost its keys does not shorten another node's hold.
 */
const CLAIM = `
local v = redis.call('GET', KEYS[1])
if not v then
  if ARGV[3] == '0' then return -1 end
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if v ~= ARGV[1] then return v end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;

/** How long a claim of an unknown id waits for a (re)connecting Redis before it is answered `null`, ms. */
const READY_WAIT_MS = 2000;

/** Most refusals remembered (the oldest go first). */
const MAX_REFUSALS = 10_000;

/**
 * Client-id claims shared by every gateway node through Redis (scale-out): the first actor to
 * speak for an id of a document keeps it on every node while any of its connections holds it,
 * and `holdMs` after the last one went. The key (`SET` if free, compared otherwise, atomically)
 * lives `holdMs` and is refreshed every `holdMs / 3` while a connection here holds it, and set to
 * `holdMs` again when the last one here goes.
 *
 * The in-process {@link ClientIdClaims} is the cache: an id it knows is answered at once (this
 * actor's: bound, and Redis refreshed in the background; another's: refused), so an actor that
 * reconnects to the same node costs no round trip. An id it does not know is asked of Redis; when
 * Redis cannot answer within 2 s (down, or slow) the answer is `null`: the caller holds the update
 * and asks again. Refusing while unsure keeps an impersonator out during an outage; honest owners
 * already known here are not held up, and a new client's first cursor waits for Redis only as
 * long as the other nodes could not see it anyway (awareness between nodes goes through the same
 * Redis). After a reconnect every id remembered here is told to Redis again (it may have lost its
 * keys in a restart), and for `settleMs` ids Redis does not know are not granted (asked again
 * later), so every node has told what it remembers first.
 */
export class RedisClientIdClaims implements ClientIdClaimer {
  readonly #local: ClientIdClaims;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #holdMs: number;
  readonly #refusalCacheMs: number;
  readonly #now: () => number;
  readonly #onError: (err: Error) => void;
  /** Recent refusals from Redis (`key → owner, until`), so a client repeating a taken id costs no round trip. */
  readonly #refused = new Map<string, { owner: string; until: number }>();
  readonly #refresh: NodeJS.Timeout;
  readonly #settleMs: number;
  #connectedBefore = false;
  /** Claims waiting for Redis to be ready (see `#whenReady`). */
  readonly #readyWaiters = new Set<() => void>();
  /** Until when ids Redis does not know are not granted (after a reconnect). */
  #settlesAt = 0;

  constructor(options: RedisClientIdClaimsOptions) {
    this.#holdMs = options.holdMs ?? 5 * 60_000;
    this.#refusalCacheMs = options.refusalCacheMs ?? 2000;
    this.#settleMs = options.settleMs ?? 3000;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? (() => {});
    this.#local = new ClientIdClaims({ holdMs: this.#holdMs, now: this.#now });
    this.#prefix = `${options.prefix}:presence-claim:`;
    this.#redis = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
      connectTimeout: 5000,
      connectionName: 'easel-presence-claims',
      retryStrategy: (times: number) => Math.min(times * 50, 1000),
    });
    this.#redis.on('error', (err: Error) => this.#onError(err));
    this.#redis.on('ready', () => {
      if (this.#connectedBefore) {
        this.#settlesAt = this.#now() + this.#settleMs;
        this.#tell(false);
      }
      this.#connectedBefore = true;
      for (const wake of [...this.#readyWaiters]) wake();
    });
    this.#refresh = setInterval(() => this.#tell(true), Math.max(1000, Math.floor(this.#holdMs / 3)));
    this.#refresh.unref();
  }

  claim(document: string, clientId: number, actorId: string): boolean | Promise<boolean | null> {
    const owner = this.#local.owner(document, clientId);
    if (owner !== undefined) {
      if (owner !== actorId || !this.#local.claim(document, clientId, actorId)) return false;
      this.#set(document, clientId, actorId, this.#holdMs, true).then(
        (found) => this.#conflict(document, clientId, actorId, found),
        () => {},
      );
      return true;
    }
    const key = this.#key(document, clientId);
    const refused = this.#refused.get(key);
    if (refused !== undefined) {
      if (refused.until > this.#now() && refused.owner !== actorId) return false;
      this.#refused.delete(key);
    }
    return this.#whenReady(READY_WAIT_MS)
      .then(() => this.#set(document, clientId, actorId, this.#holdMs, this.#now() >= this.#settlesAt))
      .then(
        (owner) => {
          if (owner === null) return null;
          if (owner === actorId) return this.#local.claim(document, clientId, actorId);
          this.#refuse(key, owner);
          return false;
        },
        () => null,
      );
  }

  release(document: string, clientId: number, actorId: string): void {
    if (this.#local.owner(document, clientId) !== actorId) return;
    this.#local.release(document, clientId, actorId);
    // The hold runs from now (on this node); another node still holding it keeps refreshing it.
    this.#set(document, clientId, actorId, this.#holdMs, true).catch(() => {});
  }

  /** Resolves once connected, or after `timeoutMs` (the command then fails: Redis is not ready). */
  #whenReady(timeoutMs: number): Promise<void> {
    if (this.#redis.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(), timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.#readyWaiters.delete(finish);
        resolve();
      };
      this.#readyWaiters.add(finish);
    });
  }

  async close(): Promise<void> {
    clearInterval(this.#refresh);
    this.#redis.disconnect();
  }

  /**
   * Binds the id in Redis (when free and `create`) or finds it this actor's, with a TTL of at least
   * `ttlMs`; answers its owner (null: free, and not created).
   */
  async #set(
    document: string,
    clientId: number,
    actorId: string,
    ttlMs: number,
    create: boolean,
  ): Promise<string | null> {
    const key = this.#key(document, clientId);
    const answer = await this.#redis.eval(CLAIM, 1, key, actorId, Math.ceil(ttlMs), create ? '1' : '0');
    if (answer === 1) return actorId;
    return answer === -1 ? null : String(answer);
  }

  /** Tells Redis the ids remembered here: those held (`heldOnly`, the periodic refresh), or all (after a reconnect). */
  #tell(heldOnly: boolean): void {
    if (this.#redis.status !== 'ready') return;
    for (const { document, clientId, actorId, remainingMs } of this.#local.entries()) {
      if (heldOnly && remainingMs < this.#holdMs) continue;
      this.#set(document, clientId, actorId, remainingMs, true).then(
        (found) => this.#conflict(document, clientId, actorId, found),
        () => {},
      );
    }
  }

  /** Reports an id this node remembers as `actorId`'s that Redis binds to another (it lost its keys meanwhile). */
  #conflict(document: string, clientId: number, actorId: string, found: string | null): void {
    if (found === null || found === actorId) return;
    this.#onError(
      new Error(`presence: client id ${clientId} of ${document} is bound to another actor on another node`),
    );
  }

  #refuse(key: string, owner: string): void {
    this.#refused.delete(key);
    this.#refused.set(key, { owner, until: this.#now() + this.#refusalCacheMs });
    if (this.#refused.size <= MAX_REFUSALS) return;
    const now = this.#now();
    for (const [k, { until }] of this.#refused) {
      if (until > now && this.#refused.size <= MAX_REFUSALS) break;
      this.#refused.delete(k);
    }
  }

  #key(document: string, clientId: number): string {
    return `${this.#prefix}${document}:${clientId}`;
  }
}
