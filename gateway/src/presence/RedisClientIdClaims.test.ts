import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisChild, startRedisChild } from '../bus/redisTestHarness.ts';
import { readAwarenessBody, readFrameHead, writeAwarenessFrame } from './presenceFrames.ts';
import { RedisClientIdClaims, type RedisClientIdClaimsOptions } from './RedisClientIdClaims.ts';
import { SocketGuard } from './SocketGuard.ts';

// Two instances on one Redis and one prefix stand for two gateway nodes.

let redis: RedisChild;
beforeAll(async () => {
  redis = await startRedisChild();
}, 30_000);
afterAll(async () => {
  await redis?.stop();
});

const opened: RedisClientIdClaims[] = [];
afterEach(async () => {
  for (const claims of opened.splice(0)) await claims.close();
});

function nodes(options: Partial<RedisClientIdClaimsOptions> = {}): [RedisClientIdClaims, RedisClientIdClaims] {
  const prefix = `c${randomBytes(4).toString('hex')}`;
  const make = () => new RedisClientIdClaims({ url: redis.url, prefix, refusalCacheMs: 50, ...options });
  const pair: [RedisClientIdClaims, RedisClientIdClaims] = [make(), make()];
  opened.push(...pair);
  return pair;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks until the answer is not `null` (Redis unavailable or settling), bounded. */
async function answer(claims: RedisClientIdClaims, doc: string, id: number, actor: string): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const got = await claims.claim(doc, id, actor);
    if (got !== null) return got;
    if (Date.now() > deadline) throw new Error(`no answer about ${id} for ${actor} within 10 s`);
    await sleep(50);
  }
}

describe('RedisClientIdClaims', () => {
  it('[CONTRACT 7] an id is its first actor’s on every node, while held and for holdMs after', async () => {
    const [a, b] = nodes({ holdMs: 400 });
    expect(await answer(a, 'd', 1, 'vic')).toBe(true);
    expect(await answer(b, 'd', 1, 'ann')).toBe(false);
    expect(await answer(b, 'd', 1, 'vic')).toBe(true); // the same actor on another node
    expect(await answer(b, 'other', 1, 'ann')).toBe(true); // per document
    a.release('d', 1, 'vic');
    b.release('d', 1, 'vic');
    expect(await answer(b, 'd', 1, 'ann')).toBe(false); // within the hold
    await sleep(600);
    expect(await answer(b, 'd', 1, 'ann')).toBe(true);
    expect(await answer(a, 'd', 1, 'vic')).toBe(false);
  });

  it('[CONTRACT 7] a claim held on one node stays its actor’s past holdMs (refreshed)', async () => {
    const [a, b] = nodes({ holdMs: 1500 }); // refreshed every second
    expect(await answer(a, 'd', 2, 'vic')).toBe(true);
    await sleep(2500);
    expect(await answer(b, 'd', 2, 'ann')).toBe(false);
  });

  it('a refusal seen on a node does not hold up the owner', async () => {
    const [a, b] = nodes({ refusalCacheMs: 60_000 });
    expect(await answer(a, 'd', 3, 'vic')).toBe(true);
    expect(await answer(b, 'd', 3, 'ann')).toBe(false);
    expect(b.claim('d', 3, 'ann')).toBe(false); // remembered: no round trip
    expect(await answer(b, 'd', 3, 'vic')).toBe(true);
  });

  it('[CONTRACT 7] while Redis is down, unknown ids wait, known ones are answered; after a restart that lost every key, what the nodes remember holds', async () => {
    const [a, b] = nodes({ holdMs: 60_000, settleMs: 5000 });
    expect(await answer(a, 'd', 4, 'rita')).toBe(true);
    expect(await answer(b, 'd', 4, 'eve')).toBe(false);
    a.release('d', 4, 'rita'); // rita reconnects…
    await sleep(100); // past b's memory of the refusal
    await redis.kill();
    try {
      expect(a.claim('d', 4, 'rita')).toBe(true); // …to the node that knows her: not held up
      a.release('d', 4, 'rita');
      expect(a.claim('d', 4, 'eve')).toBe(false);
      expect(await b.claim('d', 4, 'eve')).toBe(null); // not known here: ask again later
      expect(await b.claim('d', 5, 'eve')).toBe(null);
    } finally {
      await redis.restart();
    }
    // The restarted Redis is empty: node a tells it rita's id again, and node b grants no id Redis
    // does not know for settleMs after it reconnected (so every node could tell first).
    expect(await answer(b, 'd', 4, 'eve')).toBe(false);
    expect(await b.claim('d', 5, 'eve')).toBe(null);
    expect(await answer(b, 'd', 5, 'eve')).toBe(true);
  }, 30_000);

  it('[CONTRACT 7] the socket guard holds an update until its claim is answered, and checks the next one after', async () => {
    const [a, b] = nodes({ holdMs: 60_000 });
    expect(await answer(a, 'd', 7, 'rita')).toBe(true);
    const out: number[] = [];
    const guard = new SocketGuard({
      deliver: (d) => out.push(...readAwarenessBody(d, readFrameHead(d)!.bodyOffset)!.map((e) => e.clientId)),
      liveStates: () => undefined,
      claims: b,
      close: () => {},
    });
    guard.authorize('d', { actorId: 'eve', kind: 'human' });
    const state = JSON.stringify({ actor: { id: 'eve', kind: 'human', name: 'E', color: '#123456' } });
    guard.handle(writeAwarenessFrame('d', [{ clientId: 7, clock: 9, state }])); // rita's
    guard.handle(writeAwarenessFrame('d', [{ clientId: 8, clock: 1, state }])); // her own, sent right after
    expect(out).toEqual([]);
    const deadline = Date.now() + 5000;
    while (out.length === 0 && Date.now() < deadline) await sleep(20);
    expect(out).toEqual([8]);
    guard.dispose();
  });

  it('a connection that goes while its claim is checked leaves no claim behind', async () => {
    const [a, b] = nodes({ holdMs: 300 });
    const guard = new SocketGuard({ deliver: () => {}, liveStates: () => undefined, claims: a, close: () => {} });
    guard.authorize('d', { actorId: 'vic', kind: 'human' });
    const state = JSON.stringify({ actor: { id: 'vic', kind: 'human', name: 'V', color: '#123456' } });
    guard.handle(writeAwarenessFrame('d', [{ clientId: 9, clock: 1, state }]));
    guard.forget('d'); // before Redis answered
    await sleep(800); // the answer came, and the hold after its release passed
    expect(await answer(a, 'd', 9, 'ann')).toBe(true);
    expect(await answer(b, 'd', 9, 'ann')).toBe(true);
  });
});
