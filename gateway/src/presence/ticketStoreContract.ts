import { expect, it } from 'vitest';
import type { TicketRecord, TicketStore } from './TicketStore.ts';

/** A ticket record expiring at `expiresAtMs`. */
export function record(expiresAtMs: number, document = 'acme/p1/c1'): TicketRecord {
  return {
    actorId: 'vic',
    kind: 'human',
    roles: ['viewer'],
    tenantId: 'acme',
    projectId: 'p1',
    canvasId: 'c1',
    document,
    expiresAtMs,
    tokenExpiresAtMs: expiresAtMs + 3_600_000,
    roots: ['notes'],
    tokens: ['plan.title'],
  };
}

/** The behaviour every {@link TicketStore} shares (in process and in Redis). */
export function ticketStoreContract(open: () => TicketStore): void {
  it('[CONTRACT 7] a ticket is consumed once: a replay is refused as used', async () => {
    const store = open();
    const now = Date.now();
    expect(await store.put('t-single-use-0001', record(now + 30_000))).toBe(true);
    expect(await store.consume('t-single-use-0001', now)).toEqual({ ok: true, value: record(now + 30_000) });
    expect(await store.consume('t-single-use-0001', now)).toEqual({ ok: false, reason: 'ticket_used' });
    await store.close();
  });

  it('[CONTRACT 7] an expired ticket is refused as expired, an unknown one as unknown', async () => {
    const store = open();
    const now = Date.now();
    await store.put('t-expiring-00001', record(now + 50));
    expect(await store.consume('t-expiring-00001', now + 51)).toEqual({ ok: false, reason: 'ticket_expired' });
    expect(await store.consume('t-never-issued-01', now)).toEqual({ ok: false, reason: 'ticket_unknown' });
    await store.close();
  });

  it('[CONTRACT 7] of concurrent consumers of one ticket exactly one gets it', async () => {
    const store = open();
    const now = Date.now();
    await store.put('t-concurrent-0001', record(now + 30_000));
    const results = await Promise.all(Array.from({ length: 20 }, () => store.consume('t-concurrent-0001', now)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === 'ticket_used')).toHaveLength(19);
    await store.close();
  });
}
