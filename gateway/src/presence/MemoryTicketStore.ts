import { TICKET_GRACE_MS, type ConsumeResult, type TicketRecord, type TicketStore } from './TicketStore.ts';

/** Options of {@link MemoryTicketStore}. */
export interface MemoryTicketStoreOptions {
  /** Most tickets held at once (issued, used or expired within the grace period). Default 100 000. */
  maxTickets?: number;
  /** Clock (ms since the epoch). Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  readonly record: TicketRecord;
  used: boolean;
}

/** The embedded single-node ticket store: a map swept of entries past expiry + grace. */
export class MemoryTicketStore implements TicketStore {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;
  readonly #now: () => number;
  #lastSweep = 0;

  constructor(options: MemoryTicketStoreOptions = {}) {
    this.#max = options.maxTickets ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  async put(ticket: string, record: TicketRecord): Promise<boolean> {
    this.#sweep(false);
    if (this.#entries.size >= this.#max) this.#sweep(true);
    if (this.#entries.size >= this.#max) return false;
    this.#entries.set(ticket, { record, used: false });
    return true;
  }

  async consume(ticket: string, nowMs: number): Promise<ConsumeResult> {
    const entry = this.#entries.get(ticket);
    if (entry === undefined || entry.record.expiresAtMs + TICKET_GRACE_MS <= nowMs) {
      return { ok: false, reason: 'ticket_unknown' };
    }
    if (entry.used) return { ok: false, reason: 'ticket_used' };
    entry.used = true;
    if (entry.record.expiresAtMs <= nowMs) return { ok: false, reason: 'ticket_expired' };
    return { ok: true, value: entry.record };
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }

  /** Drops entries past expiry + grace; at most once a second unless `force`. */
  #sweep(force: boolean): void {
    const now = this.#now();
    if (!force && now - this.#lastSweep < 1000) return;
    this.#lastSweep = now;
    for (const [ticket, entry] of this.#entries) {
      if (entry.record.expiresAtMs + TICKET_GRACE_MS <= now) this.#entries.delete(ticket);
    }
  }
}
