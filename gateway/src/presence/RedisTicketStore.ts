import { Redis } from 'ioredis';
import { type ConsumeResult, TICKET_GRACE_MS, type TicketRecord, type TicketStore } from './TicketStore.ts';

/** Options of {@link RedisTicketStore}. */
export interface RedisTicketStoreOptions {
  /** Redis URL every node of the deployment shares. */
  url: string;
  /** Key prefix (one per deployment). Keys are `<prefix>:presence-ticket:<ticket>`. */
  prefix: string;
  /** Where connection errors go (rate-limited by the caller's logger, if at all). */
  onError?: (err: Error) => void;
}

/** How long a command waits for a (re)connecting Redis before it fails, ms. */
const READY_WAIT_MS = 2000;

/** A consumed ticket's value: kept (with its TTL) so a replay is named `ticket_used`. */
const USED = '!';

/** GET + mark used, atomically: exactly one consumer of a ticket gets its record. */
const CONSUME = `
local v = redis.call('GET', KEYS[1])
if not v then return false end
if v == '${USED}' then return '${USED}' end
redis.call('SET', KEYS[1], '${USED}', 'KEEPTTL')
return v`;

/**
 * Tickets in Redis, for the scale-out gateway: issued on one node, consumed on any. Each key
 * lives until the ticket's expiry + grace. While Redis is unreachable commands wait up to 2 s
 * for it, then fail (issuing answers 503; consumption refuses the ticket as `unavailable`).
 */
export class RedisTicketStore implements TicketStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(options: RedisTicketStoreOptions) {
    this.#prefix = `${options.prefix}:presence-ticket:`;
    this.#redis = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 5000,
      connectionName: 'easel-presence-tickets',
      retryStrategy: (times: number) => Math.min(times * 50, 1000),
    });
    this.#redis.on('error', (err: Error) => options.onError?.(err));
  }

  async put(ticket: string, record: TicketRecord): Promise<boolean> {
    if (!(await this.whenReady(READY_WAIT_MS))) return false;
    const ttlMs = Math.max(1, record.expiresAtMs - Date.now()) + TICKET_GRACE_MS;
    try {
      return (await this.#redis.set(this.#prefix + ticket, JSON.stringify(record), 'PX', ttlMs, 'NX')) === 'OK';
    } catch {
      return false;
    }
  }

  async consume(ticket: string, nowMs: number): Promise<ConsumeResult> {
    if (!(await this.whenReady(READY_WAIT_MS))) return { ok: false, reason: 'unavailable' };
    let value: unknown;
    try {
      value = await this.#redis.eval(CONSUME, 1, this.#prefix + ticket);
    } catch {
      return { ok: false, reason: 'unavailable' };
    }
    if (typeof value !== 'string') return { ok: false, reason: 'ticket_unknown' };
    if (value === USED) return { ok: false, reason: 'ticket_used' };
    let record: TicketRecord;
    try {
      record = JSON.parse(value) as TicketRecord;
    } catch {
      return { ok: false, reason: 'ticket_unknown' };
    }
    if (record.expiresAtMs <= nowMs) return { ok: false, reason: 'ticket_expired' };
    return { ok: true, value: record };
  }

  /** Resolves once connected (true) or after `timeoutMs` (false). */
  async whenReady(timeoutMs: number): Promise<boolean> {
    if (this.#redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (ready: boolean) => {
        clearTimeout(timer);
        this.#redis.off('ready', onReady);
        resolve(ready);
      };
      const onReady = () => finish(true);
      this.#redis.on('ready', onReady);
    });
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
