/** One actor's token bucket. A class, so every bucket has the same shape (monomorphic field reads). */
class Bucket {
  constructor(
    /** The tenant the actor belongs to (the same actor id may exist in several tenants). */
    readonly tenant: string,
    /** Tokens left at {@link at}; never above the burst. */
    public tokens: number,
    /** When {@link tokens} was last brought up to date, in the limiter's clock (ms). */
    public at: number,
    /** The bucket of the same actor id in another tenant, if any. */
    public next: Bucket | undefined,
  ) {}
}

/** Options of {@link ActorRateLimit}. */
export interface ActorRateLimitOptions {
  /** Tokens (commands) added per second to every actor's bucket; a positive finite number. */
  readonly ratePerSecond: number;
  /** What a bucket holds when full: the most commands an idle actor may send at once; a positive integer. */
  readonly burst: number;
  /** A monotonic clock in milliseconds. Default `performance.now`. */
  readonly now?: () => number;
}

/** Buckets the limiter holds before an insert sweeps out the full ones, at least. */
const SWEEP_MIN_SIZE = 1024;

/**
 * A token bucket per (tenant, actor id): each holds up to `burst` tokens and refills at
 * `ratePerSecond`; {@link take} of `n` succeeds when the bucket holds `n`, and a refused take
 * consumes nothing (the caller is told how long to wait).
 *
 * Memory: a bucket that is full again carries no state (a new one would be the same), so buckets
 * are dropped once full. The sweep runs when a bucket is added (the only way memory grows), at
 * most once per refill period or when the number of buckets has doubled since the last sweep: the
 * limiter holds about the actors that sent commands within the last refill period.
 *
 * Hot path: a known actor costs one `Map` lookup, a string comparison and a few arithmetic
 * operations, with no allocation.
 */
export class ActorRateLimit {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly #perMs: number;
  readonly #now: () => number;
  /** By actor id; a chain per actor id across tenants (see {@link Bucket.next}). */
  readonly #buckets = new Map<string, Bucket>();
  #size = 0;
  #lastSweep: number;
  #sweepAtSize = SWEEP_MIN_SIZE;
  /** Time an empty bucket takes to fill (ms): buckets untouched for this long are full. */
  readonly #fillMs: number;

  constructor(options: ActorRateLimitOptions) {
    const { ratePerSecond, burst } = options;
    if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
      throw new RangeError(`ActorRateLimit: ratePerSecond must be a positive number, not ${ratePerSecond}`);
    }
    if (!Number.isSafeInteger(burst) || burst <= 0) {
      throw new RangeError(`ActorRateLimit: burst must be a positive integer, not ${burst}`);
    }
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.#perMs = ratePerSecond / 1000;
    this.#fillMs = burst / this.#perMs;
    this.#now = options.now ?? (() => performance.now());
    this.#lastSweep = this.#now();
  }

  /** Buckets held now (actors not yet full again). */
  get size(): number {
    return this.#size;
  }

  /**
   * Takes `n` tokens (a positive integer) from the bucket of (`tenant`, `actor`): 0 when taken;
   * otherwise, nothing taken, the milliseconds until the bucket would hold `n` (`Infinity` when
   * `n` is more than {@link burst}: it never will).
   */
  take(tenant: string, actor: string, n: number): number {
    if (n > this.burst) return Number.POSITIVE_INFINITY;
    const now = this.#now();
    let bucket = this.#buckets.get(actor);
    while (bucket !== undefined && bucket.tenant !== tenant) bucket = bucket.next;
    if (bucket === undefined) return this.#takeNew(tenant, actor, n, now);
    let tokens = bucket.tokens;
    const elapsed = now - bucket.at;
    if (elapsed > 0) {
      tokens += elapsed * this.#perMs;
      if (tokens > this.burst) tokens = this.burst;
      bucket.at = now;
    }
    if (tokens < n) {
      bucket.tokens = tokens;
      return (n - tokens) / this.#perMs;
    }
    bucket.tokens = tokens - n;
    return 0;
  }

  /** Drops every bucket that is full at `now` (it carries no state). */
  sweep(now: number = this.#now()): void {
    const burst = this.burst;
    const perMs = this.#perMs;
    for (const [actor, head] of this.#buckets) {
      let first: Bucket | undefined;
      let last: Bucket | undefined;
      for (let b: Bucket | undefined = head; b !== undefined; ) {
        const next: Bucket | undefined = b.next;
        if (b.tokens + (now - b.at) * perMs >= burst) {
          this.#size--;
        } else {
          b.next = undefined;
          if (last === undefined) first = b;
          else last.next = b;
          last = b;
        }
        b = next;
      }
      if (first === undefined) this.#buckets.delete(actor);
      else if (first !== head) this.#buckets.set(actor, first);
    }
    this.#lastSweep = now;
    this.#sweepAtSize = Math.max(SWEEP_MIN_SIZE, 2 * this.#size);
  }

  #takeNew(tenant: string, actor: string, n: number, now: number): number {
    if (this.#size >= this.#sweepAtSize || now - this.#lastSweep >= this.#fillMs) this.sweep(now);
    const head = this.#buckets.get(actor);
    this.#buckets.set(actor, new Bucket(tenant, this.burst - n, now, head));
    this.#size++;
    return 0;
  }
}
