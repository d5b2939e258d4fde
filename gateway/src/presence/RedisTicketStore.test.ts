import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisChild, startRedisChild } from '../bus/redisTestHarness.ts';
import { RedisTicketStore } from './RedisTicketStore.ts';
import { record, ticketStoreContract } from './ticketStoreContract.ts';

let redis: RedisChild;
beforeAll(async () => {
  redis = await startRedisChild();
}, 30_000);
afterAll(async () => {
  await redis?.stop();
});

function open(): RedisTicketStore {
  return new RedisTicketStore({ url: redis.url, prefix: `t${randomBytes(4).toString('hex')}` });
}

describe('RedisTicketStore', () => {
  ticketStoreContract(open);

  it('[CONTRACT 7] a ticket put by one node is consumed by another, once', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const a = new RedisTicketStore({ url: redis.url, prefix });
    const b = new RedisTicketStore({ url: redis.url, prefix });
    const now = Date.now();
    expect(await a.put('cross-node-ticket-1', record(now + 30_000))).toBe(true);
    expect((await b.consume('cross-node-ticket-1', now)).ok).toBe(true);
    expect(await a.consume('cross-node-ticket-1', now)).toEqual({ ok: false, reason: 'ticket_used' });
    await a.close();
    await b.close();
  });

  it('answers unavailable (not a throw) while Redis is down', async () => {
    const store = open();
    expect(await store.whenReady(5000)).toBe(true);
    await redis.kill();
    try {
      expect(await store.put('down-ticket-000001', record(Date.now() + 30_000))).toBe(false);
      expect(await store.consume('down-ticket-000001', Date.now())).toEqual({ ok: false, reason: 'unavailable' });
    } finally {
      await redis.restart();
      await store.close();
    }
  });
});
