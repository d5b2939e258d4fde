import { afterEach, describe, expect, it } from 'vitest';
import { BUS_DISCONNECTED_TOPIC, BUS_RESYNC_TOPIC, type BusEvent } from '../core/bus/EventBus.ts';
import { SequencedBus } from '../core/bus/SequencedBus.ts';
import { MemorySpine } from '../core/testing/MemorySpine.ts';
import { RedisBus } from './RedisBus.ts';
import { type RedisChild, randomPrefix, startRedisChild } from './redisTestHarness.ts';

const P = 'acme/site';
const quiet = { warn: () => {}, error: () => {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('RedisBus + SequencedBus across a Redis restart', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('[CONTRACT 4] a subscriber on another node gets every seq exactly once, in order, though Redis was killed twice', async () => {
    const redis: RedisChild = await startRedisChild();
    cleanups.push(() => redis.stop());
    const spine = new MemorySpine();
    const prefix = randomPrefix();
    const rawA = new RedisBus({ url: redis.url, prefix, nodeId: 'A', logger: quiet });
    const rawB = new RedisBus({ url: redis.url, prefix, nodeId: 'B', logger: quiet });
    const a = new SequencedBus(rawA, spine, { checkIntervalMs: 200, logger: quiet });
    const b = new SequencedBus(rawB, spine, { checkIntervalMs: 200, logger: quiet });
    cleanups.push(async () => {
      await Promise.all([a.close(), b.close()]);
    });
    expect(await rawA.whenReady(5000)).toBe(true);
    expect(await rawB.whenReady(5000)).toBe(true);

    const gotA: BusEvent[] = [];
    const gotB: BusEvent[] = [];
    let throughRedis = 0;
    a.subscribe(P, (events) => gotA.push(...events.filter((e) => e.seq !== null)));
    b.subscribe(P, (events) => gotB.push(...events.filter((e) => e.seq !== null)));
    rawB.subscribe(P, (events) => {
      throughRedis += events.filter((e) => e.seq !== null).length;
    });
    // B's channel is live once a telemetry fence from A arrives.
    let fenced = false;
    const stopFence = rawB.subscribe(P, (events) => {
      if (events.some((e) => e.seq === null)) fenced = true;
    });
    for (let i = 0; i < 300 && !fenced; i++) {
      a.publish([{ partition: P, seq: null, canvasId: null, type: 'progress', envelope: '{}' }]);
      await sleep(10);
    }
    stopFence();
    expect(fenced).toBe(true);

    // Node A commits and publishes, one append at a time, as the command path does.
    let written = 0;
    const writeOne = async () => {
      const n = written + 1;
      const appended = spine.append({ partition: P, events: [{ type: 'x', canvasId: 'c1', envelope: `{"n":${n}}` }] });
      const result = await appended.durable;
      written = n;
      const seq = result.seqs[0] as number;
      expect(() => a.publish([{ partition: P, seq, canvasId: 'c1', type: 'x', envelope: `{"n":${n}}` }])).not.toThrow();
    };
    let stop = false;
    const writer = (async () => {
      for (let i = 0; i < 5000 && !stop; i++) {
        await writeOne();
        await sleep(2);
      }
    })();

    await until(() => written >= 100, '100 writes');
    await redis.kill();
    await until(() => written >= 200, '200 writes while Redis is down');
    await redis.restart();
    await until(() => written >= 300 && rawA.status() === 'ready', '300 writes after the restart');
    stop = true;
    await writer;

    // A lost tail: the last events are published while Redis is down and nothing follows.
    await redis.kill();
    for (let i = 0; i < 50; i++) await writeOne();
    await redis.restart();

    const total = written;
    await until(() => gotB.length >= total, `node B to receive ${total} events`);
    await sleep(300);
    const stored = await spine.read(P, 0, { limit: total + 10 });
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const expected = stored.map((e) => ({ ...e }));
    expect(gotB).toEqual(expected);
    expect(gotA).toEqual(expected);
    // Some events really were lost on the way and came from the spine instead.
    expect(throughRedis).toBeLessThan(total);
    expect(rawB.status()).toBe('ready');
  }, 60_000);

  it('[SCALE-OUT] when Redis goes away this node hears BUS_DISCONNECTED_TOPIC, after it comes back BUS_RESYNC_TOPIC: a broadcast sent meanwhile was lost', async () => {
    const redis: RedisChild = await startRedisChild();
    cleanups.push(() => redis.stop());
    const prefix = randomPrefix();
    const a = new RedisBus({ url: redis.url, prefix, nodeId: 'A', logger: quiet });
    const b = new RedisBus({ url: redis.url, prefix, nodeId: 'B', logger: quiet });
    cleanups.push(async () => {
      await Promise.all([a.close(), b.close()]);
    });
    expect(await a.whenReady(5000)).toBe(true);
    expect(await b.whenReady(5000)).toBe(true);
    const heardB: string[] = [];
    b.onBroadcast((topic, data) => heardB.push(`${topic}=${data}`));
    await sleep(100);
    expect(heardB).toEqual([]); // the first connect is no resync

    await redis.kill();
    // While it is down (so a node can look at the spine for what broadcasts would have said).
    await until(() => heardB.includes(`${BUS_DISCONNECTED_TOPIC}=`), 'B to hear the disconnected topic');
    a.broadcast('lens', 'acme/site'); // lost: B never gets it
    await redis.restart();
    await until(() => heardB.includes(`${BUS_RESYNC_TOPIC}=`), 'B to hear the resync topic');
    expect(heardB).toEqual([`${BUS_DISCONNECTED_TOPIC}=`, `${BUS_RESYNC_TOPIC}=`]);
    // Broadcasts flow again afterwards.
    await until(() => a.status() === 'ready', 'A to reconnect');
    for (let i = 0; i < 100 && !heardB.includes('lens=again'); i++) {
      a.broadcast('lens', 'again');
      await sleep(20);
    }
    expect(heardB).toContain('lens=again');
  }, 60_000);
});
