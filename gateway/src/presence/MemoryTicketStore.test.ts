import { describe, expect, it } from 'vitest';
import { MemoryTicketStore } from './MemoryTicketStore.ts';
import { record, ticketStoreContract } from './ticketStoreContract.ts';
import { TICKET_GRACE_MS } from './TicketStore.ts';

describe('MemoryTicketStore', () => {
  ticketStoreContract(() => new MemoryTicketStore());

  it('forgets tickets after expiry + grace, and refuses new ones when full', async () => {
    let now = 1_000_000;
    const store = new MemoryTicketStore({ maxTickets: 2, now: () => now });
    expect(await store.put('a-ticket-000000001', record(now + 1000))).toBe(true);
    expect(await store.put('a-ticket-000000002', record(now + 1000))).toBe(true);
    expect(await store.put('a-ticket-000000003', record(now + 1000))).toBe(false);
    now += 1000 + TICKET_GRACE_MS;
    expect(await store.put('a-ticket-000000003', record(now + 1000))).toBe(true);
    expect(store.size).toBe(1);
    expect(await store.consume('a-ticket-000000001', now)).toEqual({ ok: false, reason: 'ticket_unknown' });
  });
});
