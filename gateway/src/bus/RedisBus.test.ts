import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../core/bus/EventBus.ts';
import { describeBusContract } from '../core/bus/busContract.ts';
import { RedisBus, type RedisBusLogger } from './RedisBus.ts';
import { freePort, randomPrefix, requireRedis, testRedisUrl } from './redisTestHarness.ts';

const url = testRedisUrl();
const quiet: RedisBusLogger = { warn: () => {}, error: () => {} };
const P = 'acme/site';

async function node(prefix: string, nodeId?: string): Promise<RedisBus> {
  const bus = new RedisBus({ url, prefix, logger: quiet, ...(nodeId ? { nodeId } : {}) });
  if (!(await bus.whenReady(5000))) {
    await bus.close();
    throw new Error(`RedisBus could not connect to ${url}`);
  }
  return bus;
}

beforeAll(async () => {
  await requireRedis(url);
});

describeBusContract('RedisBus, two nodes on one Redis', async () => {
  await requireRedis(url);
  const prefix = randomPrefix();
  const bus = await node(prefix, 'node-a');
  const peer = await node(prefix, 'node-b');
  return { bus, peer, cleanup: async () => void (await Promise.all([bus.close(), peer.close()])) };
});

const ev = (seq: number | null, tag: string): BusEvent => ({
  partition: P,
  seq,
  canvasId: 'c1',
  type: 'x',
  envelope: JSON.stringify({ tag, text: 'quotes " and \\ and \u2028 survive' }),
});

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('RedisBus', () => {
  const open: Array<{ close(): Promise<void> } | Redis> = [];
  afterEach(async () => {
    for (const c of open.splice(0)) {
      if (c instanceof Redis) c.disconnect();
      else await c.close();
    }
  });

  it('[BUS] subscribes a partition channel on Redis only while it has local subscribers', async () => {
    const prefix = randomPrefix();
    const bus = await node(prefix);
    const admin = new Redis(url);
    open.push(bus, admin);
    const channel = `${prefix}:p:${P}`;
    const count = async () => ((await admin.pubsub('NUMSUB', channel)) as [string, number])[1];
    expect(await count()).toBe(0);
    const a = bus.subscribe(P, () => {});
    const b = bus.subscribe(P, () => {});
    await eventually(async () => (await count()) === 1);
    a();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await count()).toBe(1);
    b();
    await eventually(async () => (await count()) === 0);
  });

  it('[BUS] local subscribers get events synchronously and once (the Redis echo is ignored)', async () => {
    const prefix = randomPrefix();
    const a = await node(prefix, 'a');
    const b = await node(prefix, 'b');
    open.push(a, b);
    const local: BusEvent[] = [];
    const remote: BusEvent[] = [];
    a.subscribe(P, (events) => local.push(...events));
    b.subscribe(P, (events) => remote.push(...events));
    // Fence: b's subscription is live once it sees one of a's messages.
    await eventually(() => {
      a.publish([ev(null, 'fence')]);
      return remote.length > 0;
    });
    // A fence sent in the last round may still be on its way to b: a last, distinct fence (one
    // publishing connection keeps the order) arrives after every earlier one.
    const last = ev(null, 'last fence');
    a.publish([last]);
    await eventually(() => remote.some((e) => e.envelope === last.envelope));
    local.length = 0;
    remote.length = 0;
    const sent = [ev(1, 'one'), ev(null, 'progress'), ev(2, 'two')];
    a.publish(sent);
    expect(local).toEqual(sent);
    await eventually(() => remote.length >= 3);
    // b got it through Redis; a's own copy came back by now as well and must have been dropped.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(local).toEqual(sent);
    expect(remote).toEqual(sent);
  });

  it('[BUS] a malformed message on a channel is ignored; later ones still arrive', async () => {
    const prefix = randomPrefix();
    const bus = await node(prefix);
    const admin = new Redis(url);
    open.push(bus, admin);
    const got: BusEvent[] = [];
    const warned: string[] = [];
    const logged = new RedisBus({ url, prefix, logger: { warn: (_d, m) => warned.push(m), error: () => {} } });
    open.push(logged);
    expect(await logged.whenReady()).toBe(true);
    logged.subscribe(P, (events) => got.push(...events));
    const channel = `${prefix}:p:${P}`;
    await eventually(async () => ((await admin.pubsub('NUMSUB', channel)) as [string, number])[1] === 1);
    await admin.publish(channel, 'not json');
    await admin.publish(channel, JSON.stringify({ o: 'x', e: [[1, null, 'x']] }));
    await admin.publish(channel, JSON.stringify({ o: 'x', e: [[2, null, 'x', '{}']] }));
    await eventually(() => got.length === 1);
    expect(got).toEqual([{ partition: P, seq: 2, canvasId: null, type: 'x', envelope: '{}' }]);
    expect(warned.length).toBeGreaterThanOrEqual(2);
  });

  it('[BUS] while Redis is unreachable: status says so, publish neither throws nor blocks, local delivery works', async () => {
    const port = await freePort();
    const warned: string[] = [];
    const bus = new RedisBus({
      url: `redis://127.0.0.1:${port}`,
      logger: { warn: (_d, m) => warned.push(m), error: () => {} },
    });
    open.push(bus);
    expect(bus.status()).toBe('connecting');
    expect(await bus.whenReady(300)).toBe(false);
    await eventually(() => bus.status() === 'down');
    const got: BusEvent[] = [];
    bus.subscribe(P, (events) => got.push(...events));
    const started = Date.now();
    for (let i = 1; i <= 1000; i++) bus.publish([ev(i, `e${i}`)]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(got.map((e) => e.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    // Bounded logging: not one line per dropped publish.
    expect(warned.filter((m) => m.includes('publish not sent')).length).toBeLessThanOrEqual(1);
  });

  it('[BUS] close quits both connections', async () => {
    const prefix = randomPrefix();
    const bus = await node(prefix, `closing-${prefix}`);
    const admin = new Redis(url);
    open.push(admin);
    const names = async () =>
      String(await admin.client('LIST'))
        .split('\n')
        .filter((line) => line.includes(`name=closing-${prefix}`)).length;
    expect(await names()).toBe(2);
    await bus.close();
    await eventually(async () => (await names()) === 0);
    expect(bus.status()).not.toBe('ready');
  });
});
