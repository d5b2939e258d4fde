import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisChild, startRedisChild } from '../src/bus/redisTestHarness.ts';
import { adminClient, dropSchema, freshSchemaName, TEST_POSTGRES_URL } from '../src/spine/pg/pgTestHarness.ts';
import { api, TestWorld } from './harness/api.ts';
import { GatewayProcess } from './harness/GatewayProcess.ts';
import { SseClient } from './harness/SseClient.ts';
import { plannerLensPolicy } from './harness/plannerLensPolicy.ts';

/**
 * Two real gateway processes on one PostgreSQL schema and one test-owned `redis-server`. Node A
 * logs in to Redis as a user of its own, so the test can refuse A's PUBLISH commands while both of
 * A's connections stay up: A's broadcasts are lost and B's bus stays healthy (B gets no signal to
 * re-check). A lens PUT answered by A must still reset B's open stream (`lens_changed`) and change
 * what B serves, within a bounded time (the durable change marker every node polls, 2 s).
 */
let redis: RedisChild;
let redisAdmin: Redis;
let a: GatewayProcess;
let b: GatewayProcess;
let schema: string;
const user = `node-a-${randomBytes(4).toString('hex')}`;
const password = randomBytes(12).toString('hex');
const streams: SseClient[] = [];

beforeAll(async () => {
  redis = await startRedisChild();
  redisAdmin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  redisAdmin.on('error', () => {});
  await redisAdmin.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all');
  const urlA = new URL(redis.url);
  urlA.username = user;
  urlA.password = password;
  schema = freshSchemaName();
  const secret = randomBytes(24).toString('hex');
  const args = (url: string) => ['--postgres', TEST_POSTGRES_URL, '--redis', url, '--pg-schema', schema];
  // The first node creates the schema.
  a = await GatewayProcess.start({ secret, args: args(urlA.toString()) });
  b = await GatewayProcess.start({ secret, args: args(redis.url) });
}, 120_000);

afterAll(async () => {
  for (const s of streams) s.close();
  await Promise.all([a?.dispose().catch(() => {}), b?.dispose().catch(() => {})]);
  if (schema !== undefined) {
    const admin = await adminClient();
    try {
      await dropSchema(admin, schema);
    } finally {
      await admin.end();
    }
  }
  redisAdmin?.disconnect();
  await redis?.stop();
}, 60_000);

const policy = plannerLensPolicy;

describe('[SCALE-OUT] broadcasts lost by the node that answered the change', () => {
  it("[CONTRACT 6] a lens PUT answered by node A whose PUBLISH is refused resets node B's open stream and changes B's reads", async () => {
    // Each node's first marker poll (2 s after start) re-checks whatever it cached then; let it pass,
    // so what B learns below comes from the marker A's PUT bumps.
    await new Promise((r) => setTimeout(r, 2500));
    const admin = await a.token({ tenant: 'acme', sub: 'ann', roles: ['admin'] });
    const planner = await a.token({ tenant: 'acme', sub: 'pat', roles: ['planner'] });
    const worldA = new TestWorld(a.url, 'acme');
    const worldB = new TestWorld(b.url, 'acme');
    const scope = await worldA.newCanvas(admin, 'lost', 'c1');
    await worldA.commit(admin, 'token.set', scope, { token_id: 'style.color', value: '#abcdef' });
    expect((await api(a.url, 'PUT', '/v1/projects/lost/lens', { token: admin, body: policy(['plan.*']) })).status).toBe(
      200,
    );
    // B's open stream: the planner reads plan.* only (B caches the policy).
    const s = new SseClient(worldB.streamUrl(scope), { token: planner });
    streams.push(s);
    const first = await s.waitFor((f) => f.event === 'CANVAS_READY', 10_000, 'CANVAS_READY');
    expect(first.json.payload.snapshot.tokens).not.toHaveProperty('style.color');

    await redisAdmin.call('ACL', 'SETUSER', user, '-publish');
    const widened = policy(['plan.*', 'style.*']);
    expect((await api(a.url, 'PUT', '/v1/projects/lost/lens', { token: admin, body: widened })).status).toBe(200);

    const reset = await s.waitFor(
      (f) => f.event === 'CANVAS_READY' && f.json.payload.reason === 'lens_changed',
      10_000,
      'CANVAS_READY lens_changed on node B',
    );
    expect(reset.json.payload.reset).toBe(true);
    expect(reset.json.payload.snapshot.tokens).toHaveProperty('style.color', '#abcdef');
    const read = await api(b.url, 'GET', worldB.canvasPath(scope), { token: planner });
    expect(read.status).toBe(200);
    expect(read.json.tokens).toHaveProperty('style.color', '#abcdef');
    const stored = await api(b.url, 'GET', '/v1/projects/lost/lens', { token: admin });
    expect(stored.json).toEqual(widened);
  }, 60_000);
});
