import { presenceTicketSchema } from '@easel/schemas';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisChild, startRedisChild } from '../src/bus/redisTestHarness.ts';
import { api, TestWorld } from './harness/api.ts';
import { GatewayCluster } from './harness/GatewayCluster.ts';
import { PresenceSocket } from './harness/PresenceSocket.ts';
import { until } from './harness/bounded.ts';

/**
 * Contract §7 (no one speaks for another) across gateway nodes: two real gateway processes on one
 * PostgreSQL schema and one Redis (a test-owned `redis-server`). An awareness client id is bound
 * to the first actor that speaks for it, while connected and for a while after, on every node:
 * Eve on node B cannot take the client id of Rita, connected to (or reconnecting to) node A.
 */
let redis: RedisChild;
let cluster: GatewayCluster;
const tokens: Record<string, string> = {};

type Scope = Record<string, string>;

beforeAll(async () => {
  redis = await startRedisChild();
  cluster = await GatewayCluster.start({ nodes: 2, redisUrl: redis.url });
  for (const [name, roles] of [
    ['ann', ['admin']],
    ['rita', ['viewer']],
    ['eve', ['viewer']],
  ] as const) {
    tokens[name] = await cluster.node(0).token({ tenant: 'acme', sub: name, roles: [...roles] });
  }
}, 120_000);

afterAll(async () => {
  await cluster?.dispose();
  await redis?.stop();
}, 60_000);

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const docOf = (scope: Scope) => `${scope.tenant_id}/${scope.project_id}/${scope.canvas_id}`;
const actor = (id: string) => ({ id, kind: 'human', name: id.toUpperCase(), color: '#3366ff' });

/** A raw socket of `who` on node `node`, authenticated on `scope`'s document (sync step 1 sent). */
async function joined(node: number, who: string, scope: Scope): Promise<PresenceSocket> {
  const base = cluster.node(node).url;
  const res = await api(base, 'POST', '/v1/presence/tickets', { token: tokens[who]!, body: { scope } });
  if (res.status !== 200) throw new Error(`ticket: ${res.status} ${res.text}`);
  const t = presenceTicketSchema.parse(res.json);
  const s = await PresenceSocket.open(t.url);
  cleanups.push(() => s.ws.terminate());
  const answer = await s.authenticate(t.document, t.ticket);
  if (answer.kind !== 'authenticated') throw new Error(`not authenticated: ${JSON.stringify(answer)}`);
  s.syncStep1(t.document);
  return s;
}

type Seen = { actor?: { id?: string }; cursor?: { x: number } } | undefined;
const stateOf = (s: PresenceSocket, doc: string, id: number) => s.awarenessStates(doc).get(id) as Seen;

/**
 * Waits (bounded) until every observer saw Eve's own cursor (x = 5, at `eve`), or until one of them
 * shows a state of Eve at `taken` (the attack worked: the assertions after say so). A connection
 * speaks for one client id, so Eve's own cursor never comes when she took `taken`.
 */
function settled(observers: PresenceSocket[], doc: string, eve: number, taken: number): Promise<void> {
  return until(
    () =>
      observers.every((o) => stateOf(o, doc, eve)?.cursor?.x === 5) ||
      observers.some((o) => stateOf(o, doc, taken)?.actor?.id === 'eve'),
    15_000,
    "eve's own cursor on both nodes",
  );
}

describe('[SCALE-OUT] awareness client ids across two gateway nodes (contract §7)', () => {
  it('[CONTRACT 7] a client id released on node A by a reconnecting client cannot be taken on node B meanwhile', async () => {
    const scope = await new TestWorld(cluster.node(0).url, 'acme').newCanvas(tokens.ann!, 'claims', 'c1');
    const doc = docOf(scope);
    const RITA = 515_151;
    const EVE = 616_161;
    const observers = [await joined(0, 'ann', scope), await joined(1, 'ann', scope)];
    const everyObserver = (what: string, check: (o: PresenceSocket) => boolean) =>
      until(() => observers.every(check), 10_000, `${what} on both nodes`);

    const rita = await joined(0, 'rita', scope);
    rita.awareness(doc, [{ clientId: RITA, clock: 3, state: { actor: actor('rita'), cursor: { x: 1, y: 1 } } }]);
    await everyObserver("rita's cursor", (o) => stateOf(o, doc, RITA)?.cursor?.x === 1);
    rita.ws.terminate(); // a network blip: her provider keeps its client id and comes back
    await everyObserver("rita's removal", (o) => !o.awarenessStates(doc).has(RITA));

    const eve = await joined(1, 'eve', scope);
    eve.awareness(doc, [{ clientId: RITA, clock: 2 ** 50, state: { actor: actor('eve'), cursor: { x: 66, y: 66 } } }]);
    eve.awareness(doc, [{ clientId: EVE, clock: 1, state: { actor: actor('eve'), cursor: { x: 5, y: 5 } } }]);
    // Eve's own cursor, sent after her attempt, reached both nodes (her attempt had its chance), or
    // her attempt showed somewhere.
    await settled(observers, doc, EVE, RITA);
    for (const o of observers) expect(stateOf(o, doc, RITA)).toBeUndefined();

    const back = await joined(0, 'rita', scope);
    back.awareness(doc, [{ clientId: RITA, clock: 4, state: { actor: actor('rita'), cursor: { x: 2, y: 2 } } }]);
    await everyObserver("rita's cursor after her reconnect", (o) => stateOf(o, doc, RITA)?.cursor?.x === 2);
    for (const o of observers) expect(stateOf(o, doc, RITA)?.actor?.id).toBe('rita');
  }, 45_000);

  it('[CONTRACT 7] a client id held on node A cannot be taken on node B, even before B heard of it', async () => {
    const scope = await new TestWorld(cluster.node(0).url, 'acme').newCanvas(tokens.ann!, 'claims', 'c2');
    const doc = docOf(scope);
    const RITA = 525_252;
    const EVE = 626_262;
    const onA = await joined(0, 'ann', scope);
    const rita = await joined(0, 'rita', scope);
    rita.awareness(doc, [{ clientId: RITA, clock: 1, state: { actor: actor('rita'), cursor: { x: 1, y: 1 } } }]);
    await until(() => stateOf(onA, doc, RITA)?.cursor?.x === 1, 10_000, "rita's cursor on node A");
    // Node B has not loaded this document yet: Eve's first update comes before B asked the others.
    const eve = await joined(1, 'eve', scope);
    eve.awareness(doc, [{ clientId: RITA, clock: 2 ** 50, state: { actor: actor('eve'), cursor: { x: 66, y: 66 } } }]);
    eve.awareness(doc, [{ clientId: EVE, clock: 1, state: { actor: actor('eve'), cursor: { x: 5, y: 5 } } }]);
    const onB = await joined(1, 'ann', scope);
    const observers = [onA, onB];
    await settled(observers, doc, EVE, RITA);
    for (const o of observers) expect(stateOf(o, doc, RITA)?.actor?.id).toBe('rita');
    rita.awareness(doc, [{ clientId: RITA, clock: 2, state: { actor: actor('rita'), cursor: { x: 2, y: 2 } } }]);
    await until(
      () => observers.every((o) => stateOf(o, doc, RITA)?.cursor?.x === 2),
      10_000,
      "rita's moved cursor on both nodes",
    );
    for (const o of observers) expect(stateOf(o, doc, RITA)?.actor?.id).toBe('rita');
  }, 45_000);

  it('[CONTRACT 7] a Redis restart that lost every claim does not let node B hand out a client id node A remembers', async () => {
    const scope = await new TestWorld(cluster.node(0).url, 'acme').newCanvas(tokens.ann!, 'claims', 'c3');
    const doc = docOf(scope);
    const RITA = 535_353;
    const EVE = 636_363;
    const observers = [await joined(0, 'ann', scope), await joined(1, 'ann', scope)];
    const everyObserver = (what: string, check: (o: PresenceSocket) => boolean) =>
      until(() => observers.every(check), 15_000, `${what} on both nodes`);
    const rita = await joined(0, 'rita', scope);
    rita.awareness(doc, [{ clientId: RITA, clock: 3, state: { actor: actor('rita'), cursor: { x: 1, y: 1 } } }]);
    await everyObserver("rita's cursor", (o) => stateOf(o, doc, RITA)?.cursor?.x === 1);
    rita.ws.terminate();
    await everyObserver("rita's removal", (o) => !o.awarenessStates(doc).has(RITA));
    const eve = await joined(1, 'eve', scope); // tickets live in Redis: she joins before it goes
    await redis.kill();
    try {
      eve.awareness(doc, [
        { clientId: RITA, clock: 2 ** 50, state: { actor: actor('eve'), cursor: { x: 66, y: 66 } } },
      ]);
      eve.awareness(doc, [{ clientId: EVE, clock: 1, state: { actor: actor('eve'), cursor: { x: 5, y: 5 } } }]);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await redis.restart(); // empty: every claim key is gone
    }
    await settled(observers, doc, EVE, RITA);
    for (const o of observers) expect(stateOf(o, doc, RITA)).toBeUndefined();
    const back = await joined(0, 'rita', scope);
    back.awareness(doc, [{ clientId: RITA, clock: 4, state: { actor: actor('rita'), cursor: { x: 2, y: 2 } } }]);
    await everyObserver("rita's cursor after her reconnect", (o) => stateOf(o, doc, RITA)?.cursor?.x === 2);
    for (const o of observers) expect(stateOf(o, doc, RITA)?.actor?.id).toBe('rita');
  }, 45_000);
});
