import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisChild, startRedisChild } from '../src/bus/redisTestHarness.ts';
import { api, TestWorld } from './harness/api.ts';
import { GatewayCluster } from './harness/GatewayCluster.ts';
import { SseClient } from './harness/SseClient.ts';

/**
 * Issue 3: three real gateway processes on one PostgreSQL schema and one Redis (a test-owned
 * `redis-server`, so the Redis restart below disturbs nobody). Writers and subscribers are spread
 * over the nodes; every acknowledged command must reach every subscriber exactly once, in order.
 */
let redis: RedisChild;
let cluster: GatewayCluster;
let token: string;
const streams: SseClient[] = [];

beforeAll(async () => {
  redis = await startRedisChild();
  cluster = await GatewayCluster.start({ nodes: 3, redisUrl: redis.url });
  token = await cluster.node(0).token({ tenant: 'acme', sub: 'ann', roles: ['admin'] });
}, 120_000);

afterAll(async () => {
  for (const s of streams) s.close();
  await cluster?.dispose();
  await redis?.stop();
}, 60_000);

function world(node: number): TestWorld {
  return new TestWorld(cluster.node(node).url, 'acme');
}

function subscribe(node: number, scope: Record<string, string>, lastEventId?: string): SseClient {
  const client = new SseClient(world(node).streamUrl(scope), {
    token,
    ...(lastEventId !== undefined ? { lastEventId } : {}),
  });
  streams.push(client);
  return client;
}

const seqOf = (cursor: string | null) => Number(cursor?.split('-').at(-1));

/** A writer that commits `count` commands through `node`, one at a time; returns acked command id → seq. */
async function writer(node: number, scope: Record<string, string>, count: number, tag: string) {
  const acked = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const commandId = ulid();
    const body =
      i % 4 === 0
        ? {
            command_id: commandId,
            type: 'state.ops',
            scope,
            payload: { ops: [{ op: 'insert', root: 'notes', key: `${tag}${i}`, value: { i } }] },
          }
        : { command_id: commandId, type: 'token.set', scope, payload: { token_id: 'plan.title', value: `${tag}${i}` } };
    // A retry after a failure goes to the same node with the same command_id (idempotent).
    for (let attempt = 0; ; attempt++) {
      const res = await api(cluster.node(node).url, 'POST', '/v1/commands', { token, body }).catch(
        (err: Error) => ({ status: 0, json: undefined, text: err.message }) as const,
      );
      if (res.status === 200) {
        acked.set(commandId, seqOf(res.json.cursor));
        break;
      }
      if (attempt >= 5) throw new Error(`command ${i} of ${tag} failed: ${res.status} ${res.text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return acked;
}

/** The durable frames' (seq, causation id) a stream received, checked to be strictly ascending. */
function durableOf(client: SseClient): Array<{ seq: number; causation: string }> {
  return client.frames
    .filter((f) => f.id !== null && f.json?.durable === true)
    .map((f) => ({ seq: seqOf(f.id), causation: f.json.causation_id as string }));
}

function expectExactlyOnceInOrder(frames: Array<{ seq: number; causation: string }>, acked: Map<string, number>) {
  for (let i = 1; i < frames.length; i++) expect(frames[i]!.seq).toBeGreaterThan(frames[i - 1]!.seq);
  const seen = new Map<string, number>();
  for (const f of frames) seen.set(f.causation, (seen.get(f.causation) ?? 0) + 1);
  for (const [commandId, seq] of acked) {
    expect(seen.get(commandId), `command ${commandId} (seq ${seq})`).toBe(1);
  }
}

describe('[SCALE-OUT] three gateway nodes on one PostgreSQL and one Redis', () => {
  it('[SCALE-OUT] writers on A and B, subscribers on B and C: every acknowledged command exactly once, in order; all nodes converge', async () => {
    const scope = await world(0).newCanvas(token, 'spread', 'c1');
    const subs = [subscribe(1, scope), subscribe(1, scope), subscribe(2, scope), subscribe(2, scope)];
    for (const s of subs) await s.waitFor((f) => f.event === 'CANVAS_READY', 10_000, 'CANVAS_READY');
    const [a, b] = await Promise.all([writer(0, scope, 80, 'a'), writer(1, scope, 80, 'b')]);
    const acked = new Map([...a, ...b]);
    expect(acked.size).toBe(160);
    const lastSeq = Math.max(...acked.values());
    for (const s of subs) {
      await s.until(() => seqOf(s.lastEventId) >= lastSeq, 20_000, `seq ${lastSeq}`);
      expectExactlyOnceInOrder(durableOf(s), acked);
    }
    // Every node materializes the same canvas.
    const reads = await Promise.all(
      [0, 1, 2].map((n) => api(cluster.node(n).url, 'GET', world(n).canvasPath(scope), { token })),
    );
    for (const r of reads) expect(r.status).toBe(200);
    expect(reads[1]!.json).toEqual(reads[0]!.json);
    expect(reads[2]!.json).toEqual(reads[0]!.json);
    expect(reads[0]!.json.revision).toBe(160);
    expect(Object.keys(reads[0]!.json.state.notes)).toHaveLength(40);
  }, 120_000);

  it('[SCALE-OUT] concurrent expected_revision races across nodes: exactly one wins', async () => {
    const scope = await world(0).newCanvas(token, 'race', 'c1');
    for (let round = 0; round < 6; round++) {
      const read = await api(cluster.node(round % 3).url, 'GET', world(0).canvasPath(scope), { token });
      const revision = read.json.revision as number;
      const results = await Promise.all(
        [0, 1, 2].map((n) =>
          world(n).command(
            token,
            'token.set',
            scope,
            { token_id: 'plan.title', value: `n${n}r${round}` },
            {
              expected_revision: revision,
            },
          ),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) expect(r.json.error.code).toBe('conflict');
    }
  }, 60_000);

  it('[SCALE-OUT] one command_id sent to two nodes at once: one commit, one duplicate with the same cursor', async () => {
    const scope = await world(0).newCanvas(token, 'dup', 'c1');
    for (let i = 0; i < 5; i++) {
      const body = {
        command_id: ulid(),
        type: 'token.set',
        scope,
        payload: { token_id: 'plan.title', value: `d${i}` },
      };
      const [x, y] = await Promise.all(
        [1, 2].map((n) => api(cluster.node(n).url, 'POST', '/v1/commands', { token, body })),
      );
      expect([x!.json.status, y!.json.status].sort()).toEqual(['committed', 'duplicate']);
      expect(x!.json.cursor).toBe(y!.json.cursor);
    }
  }, 60_000);

  it('[SCALE-OUT] Redis restarted mid-run: subscribers on other nodes still get every event once, in order (repaired from the spine)', async () => {
    const scope = await world(0).newCanvas(token, 'redis', 'c1');
    const subs = [subscribe(1, scope), subscribe(2, scope)];
    for (const s of subs) await s.waitFor((f) => f.event === 'CANVAS_READY', 10_000, 'CANVAS_READY');
    const writing = writer(0, scope, 120, 'r');
    await new Promise((r) => setTimeout(r, 300));
    await redis.kill();
    await new Promise((r) => setTimeout(r, 500));
    await redis.restart();
    const acked = await writing;
    const lastSeq = Math.max(...acked.values());
    for (const s of subs) {
      await s.until(() => seqOf(s.lastEventId) >= lastSeq, 20_000, `seq ${lastSeq} after the Redis restart`);
      expectExactlyOnceInOrder(durableOf(s), acked);
    }
  }, 120_000);

  it('[SCALE-OUT] kill -9 one node under load: its subscribers resume on another node with their cursor and lose nothing', async () => {
    const scope = await world(0).newCanvas(token, 'kill', 'c1');
    const before = [subscribe(2, scope), subscribe(2, scope)];
    for (const s of before) await s.waitFor((f) => f.event === 'CANVAS_READY', 10_000, 'CANVAS_READY');
    const writing = writer(0, scope, 150, 'k');
    await before[0]!.until(() => durableOf(before[0]!).length >= 30, 20_000, '30 events before the kill');
    await cluster.node(2).kill9();
    // Each subscriber resumes on node B from the last id it received.
    const after = before.map((s) => subscribe(1, scope, s.lastEventId ?? undefined));
    const acked = await writing;
    const lastSeq = Math.max(...acked.values());
    for (let i = 0; i < before.length; i++) {
      const resumed = after[i]!;
      await resumed.until(() => seqOf(resumed.lastEventId) >= lastSeq, 20_000, `seq ${lastSeq} on node B`);
      expect(resumed.frames.some((f) => f.event === 'CANVAS_READY' && f.json?.payload?.reset === true)).toBe(false);
      expectExactlyOnceInOrder([...durableOf(before[i]!), ...durableOf(resumed)], acked);
    }
  }, 120_000);
});
