import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus, type RedisBusLogger } from '../bus/RedisBus.ts';
import { randomPrefix, requireRedis, testRedisUrl } from '../bus/redisTestHarness.ts';
import { type PgTestSchema, pgTestSchema } from '../spine/pg/pgTestHarness.ts';
import { SequencedBus } from './bus/SequencedBus.ts';
import { GatewayCore } from './GatewayCore.ts';
import { ADMIN, EDITOR } from './testing/coreHarness.ts';
import { DOC_V11 } from './testing/docTypeVersions.ts';
import { CLOSED, docCanvasOn, eventually, OPEN, sleep } from './testing/lostBroadcastFixtures.ts';

/**
 * Scale-out on real PostgreSQL and Redis: node a's broadcasts are lost while node b's bus stays
 * healthy (so b never re-checks on its own): a's PUBLISH commands are refused while its connection
 * looks ready, or a's publish connection alone is down. A lens or type change answered by a must
 * still reach b's enforcement and open streams (`onLensChanged`) within a bounded time, through
 * the durable change marker every node polls (`ChangeMarker`; 200 ms here).
 */
const redisUrl = testRedisUrl();
const quiet: RedisBusLogger = { warn: () => {}, error: () => {} };
const quietSeq = { warn: () => {}, error: () => {} };

let cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  await requireRedis(redisUrl);
});

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  cleanups = [];
});

/**
 * Two gateway nodes on one PostgreSQL schema and one Redis, wired as `openScaleOutEngines` does
 * (RedisBus wrapped in SequencedBus). Node a's Redis connections log in as a user of its own, so
 * the test can take PUBLISH (or logging in again) away from node a alone.
 */
async function twoNodes(): Promise<{ a: GatewayCore; b: GatewayCore; redisA: RedisBus; fault: Faults }> {
  const admin = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  admin.on('error', () => {});
  const user = `easeltest-${randomBytes(6).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await admin.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all');
  cleanups.push(async () => {
    await admin.call('ACL', 'DELUSER', user);
    admin.disconnect();
  });
  const db: PgTestSchema = await pgTestSchema();
  cleanups.push(() => db.cleanup());
  const prefix = randomPrefix();
  const urlA = new URL(redisUrl);
  urlA.username = user;
  urlA.password = password;
  const nodeIdA = `nodeA-${randomBytes(4).toString('hex')}`;
  const redisA = new RedisBus({ url: urlA.toString(), prefix, nodeId: nodeIdA, logger: quiet });
  const redisB = new RedisBus({ url: redisUrl, prefix, logger: quiet });
  cleanups.push(async () => {
    await Promise.all([redisA.close(), redisB.close()]);
  });
  expect(await redisA.whenReady(5000)).toBe(true);
  expect(await redisB.whenReady(5000)).toBe(true);
  const [spineA, spineB] = [await db.open(), await db.open()];
  const [a, b] = await Promise.all([
    GatewayCore.open({
      spine: spineA,
      bus: new SequencedBus(redisA, spineA, { logger: quietSeq }),
      limits: { changePollMs: 200 },
    }),
    GatewayCore.open({
      spine: spineB,
      bus: new SequencedBus(redisB, spineB, { logger: quietSeq }),
      limits: { changePollMs: 200 },
    }),
  ]);
  cleanups.push(async () => {
    await Promise.all([a.close(), b.close()]);
  });
  // Each node's first marker poll re-checks whatever it cached then (it saw no marker yet): let it
  // pass, so what b learns later comes from a marker change, not from that first poll.
  await sleep(600);
  const fault: Faults = {
    async refusePublish() {
      await admin.call('ACL', 'SETUSER', user, '-publish');
    },
    async dropPublishConnection() {
      // Node a can no longer log in; its subscriber connection, already logged in, stays up.
      await admin.call('ACL', 'SETUSER', user, 'off');
      await admin.call('CLIENT', 'KILL', 'USER', user, 'SKIPME', 'yes', 'ID', await clientId(admin, `${nodeIdA}:pub`));
    },
  };
  return { a, b, redisA, fault };
}

interface Faults {
  /** Node a's PUBLISH commands fail (NOPERM) while both its connections stay ready. */
  refusePublish(): Promise<void>;
  /** Node a's publish connection is closed and cannot come back; its subscriber connection stays up. */
  dropPublishConnection(): Promise<void>;
}

async function clientId(admin: Redis, name: string): Promise<string> {
  const list = String(await admin.call('CLIENT', 'LIST'));
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  const id = line?.match(/^id=(\d+) /)?.[1];
  if (id === undefined) throw new Error(`no Redis client named ${name}`);
  return id;
}

describe('GatewayCore scale-out: broadcasts lost by the publishing node (PostgreSQL + Redis)', () => {
  for (const mode of ['refusePublish', 'dropPublishConnection'] as const) {
    it(`[CONTRACT 6] a lens PUT answered by node a reaches node b's enforcement and open streams though a's broadcast is lost (${mode})`, async () => {
      const { a, b, redisA, fault } = await twoNodes();
      expect((await a.putLensPolicy(ADMIN, 'p1', OPEN)).ok).toBe(true);
      // Node b caches the policy (an open stream's view) and listens as the fan-out does.
      expect(await eventually(async () => (await b.lensView(EDITOR, 'acme/p1')).canRunCommand('state.ops'), 5000)).toBe(
        true,
      );
      const changed: string[] = [];
      b.onLensChanged((p) => changed.push(p));

      await fault[mode]();
      if (mode === 'refusePublish') expect(redisA.status()).toBe('ready');
      else expect(await eventually(() => redisA.status() === 'down', 5000)).toBe(true);
      expect((await a.putLensPolicy(ADMIN, 'p1', CLOSED)).ok).toBe(true);

      expect(await eventually(() => changed.includes('acme/p1'), 8000)).toBe(true);
      expect((await b.lensView(EDITOR, 'acme/p1')).canRunCommand('state.ops')).toBe(false);
      const read = await b.getLensPolicy(ADMIN, 'p1');
      expect(read.ok && read.value).toEqual(CLOSED);
    });
  }

  it(`[CONTRACT 5] a canvas type re-registered through node a reaches node b's cache and open canvases though a's PUBLISH is refused`, async () => {
    const { a, b, fault } = await twoNodes();
    const { scope: s, revision } = await docCanvasOn(a, b);
    const onB = async () => {
      const got = await b.getCanvasType(ADMIN, 'p1', 'doc');
      return got.ok ? got.value.version : null;
    };
    expect(await onB()).toBe('1.0.0');

    await fault.refusePublish();
    expect((await a.putCanvasType(ADMIN, 'p1', 'doc', DOC_V11)).ok).toBe(true);

    expect(await eventually(async () => (await onB()) === '1.1.0', 8000)).toBe(true);
    // Node b's loaded canvas adopted the text fields and converted its plain string.
    expect(
      await eventually(async () => {
        const read = await b.readCanvas(ADMIN, s);
        return read.ok && read.value.revision === revision + 1;
      }, 8000),
    ).toBe(true);
  });
});
