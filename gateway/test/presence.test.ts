import { PRESENCE_CLOSE_REASONS, presenceTicketSchema } from '@easel/schemas';
import { CanvasTransport, type PresencePeer } from '@easel/transport';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { type RedisChild, startRedisChild } from '../src/bus/redisTestHarness.ts';
import { api, TestWorld } from './harness/api.ts';
import { GatewayCluster } from './harness/GatewayCluster.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { type PresenceFrame, PresenceSocket } from './harness/PresenceSocket.ts';
import { bounded as within, until } from './harness/bounded.ts';

/** Short tickets, so the expiry test waits ~2 s (the contract allows up to 60 s). */
const TICKET_TTL_MS = 2000;

const env = gatewayPerFile(
  {
    admin: { tenant: 'acme', sub: 'ann', roles: ['admin'] },
    viewer: { tenant: 'acme', sub: 'vic', roles: ['viewer'] },
    agent: { tenant: 'acme', sub: 'ada', roles: ['editor'], kind: 'agent' },
    nobody: { tenant: 'acme', sub: 'nod', roles: ['guest'] },
    globex: { tenant: 'globex', sub: 'gus', roles: ['admin'] },
  },
  { env: { EASEL_PRESENCE_TICKET_TTL_MS: String(TICKET_TTL_MS) } },
);

type Scope = Record<string, string>;
let c1: Scope;
let c2: Scope;

beforeAll(async () => {
  c1 = await env.world.newCanvas(env.tokens.admin, 'p1', 'c1');
  c2 = env.world.scope('p1', 'c2');
  await env.world.commit(env.tokens.admin, 'canvas.create', c2, { canvas_type: 'testboard' });
  await new TestWorld(env.gateway.url, 'globex').newCanvas(env.tokens.globex, 'p1', 'c1');
});

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const docOf = (scope: Scope) => `${scope.tenant_id}/${scope.project_id}/${scope.canvas_id}`;

async function ticketOn(baseUrl: string, token: string, scope: Scope) {
  const res = await api(baseUrl, 'POST', '/v1/presence/tickets', { token, body: { scope } });
  if (res.status !== 200) throw new Error(`ticket: ${res.status} ${res.text}`);
  return presenceTicketSchema.parse(res.json);
}
const ticket = (token: string, scope: Scope) => ticketOn(env.gateway.url, token, scope);

async function socket(url: string): Promise<PresenceSocket> {
  const s = await PresenceSocket.open(url);
  cleanups.push(() => s.close());
  return s;
}

/** A raw socket authenticated on `scope`'s document. */
async function joined(token: string, scope: Scope, baseUrl = env.gateway.url): Promise<PresenceSocket> {
  const t = await ticketOn(baseUrl, token, scope);
  const s = await socket(t.url);
  const answer = await s.authenticate(t.document, t.ticket);
  if (answer.kind !== 'authenticated') throw new Error(`not authenticated: ${JSON.stringify(answer)}`);
  s.syncStep1(t.document);
  return s;
}

const actor = (id: string, kind = 'human') => ({ id, kind, name: id.toUpperCase(), color: '#3366ff' });

/** A real HocuspocusProvider in Node (`ws`), with a fresh ticket per connection. */
function provider(baseUrl: string, token: string, scope: Scope, url: string) {
  const socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket });
  const p = new HocuspocusProvider({
    websocketProvider: socket,
    name: docOf(scope),
    token: async () => (await ticketOn(baseUrl, token, scope)).ticket,
  });
  p.attach();
  cleanups.push(() => {
    p.destroy();
    socket.destroy();
  });
  return p;
}

const cursorOf = (p: HocuspocusProvider, actorId: string) =>
  [...(p.awareness?.getStates().values() ?? [])].find((s) => s.actor?.id === actorId)?.cursor;

describe('presence tickets', () => {
  it('[CONTRACT 7] a ticket is single use, at most 60 s, for one canvas, with the WS url and document', async () => {
    const before = Date.now();
    const t = await ticket(env.tokens.viewer, c1);
    expect(t.document).toBe('acme/p1/c1');
    expect(t.url).toBe(`${env.gateway.url.replace('http', 'ws')}/v1/presence`);
    const ttl = Date.parse(t.expires_at) - before;
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(TICKET_TTL_MS + 1000);
    const again = await ticket(env.tokens.viewer, c1);
    expect(again.ticket).not.toBe(t.ticket);
  });

  it('[CONTRACT 7] ticket requests are checked: token, body, tenant, canvas, lens', async () => {
    const post = (token: string | undefined, body: unknown) =>
      api(env.gateway.url, 'POST', '/v1/presence/tickets', { ...(token ? { token } : {}), body });
    expect((await post(undefined, { scope: c1 })).json.error.code).toBe('unauthenticated');
    const noCanvas = await post(env.tokens.viewer, { scope: env.world.scope('p1') });
    expect([noCanvas.status, noCanvas.json.error.message]).toEqual([400, 'scope.canvas_id: required']);
    const foreign = await post(env.tokens.viewer, { scope: { ...c1, tenant_id: 'globex' } });
    expect([foreign.status, foreign.json.error.code]).toEqual([403, 'tenant_mismatch']);
    const missing = await post(env.tokens.viewer, { scope: env.world.scope('p1', 'nope') });
    expect([missing.status, missing.json.error.code]).toEqual([404, 'not_found']);
    const blind = await post(env.tokens.nobody, { scope: c1 });
    expect([blind.status, blind.json.error.code]).toEqual([403, 'forbidden']);
  });

  it('[CONTRACT 7] a replayed ticket is refused and its socket closed', async () => {
    const t = await ticket(env.tokens.viewer, c1);
    const first = await socket(t.url);
    expect((await first.authenticate(t.document, t.ticket)).kind).toBe('authenticated');
    const replay = await socket(t.url);
    expect(await replay.authenticate(t.document, t.ticket)).toMatchObject({ kind: 'denied', reason: 'ticket_used' });
    expect(await within(replay.closed, 10_000, 'the close')).toEqual(PRESENCE_CLOSE_REASONS.refused);
    expect(first.isOpen).toBe(true);
  });

  it('[CONTRACT 7] an expired ticket is refused', async () => {
    const t = await ticket(env.tokens.viewer, c1);
    await new Promise((r) => setTimeout(r, TICKET_TTL_MS + 300));
    const s = await socket(t.url);
    expect(await s.authenticate(t.document, t.ticket)).toMatchObject({ kind: 'denied', reason: 'ticket_expired' });
  });

  it('[CONTRACT 7] a ticket opens only its own canvas of its own tenant', async () => {
    const s = await socket((await ticket(env.tokens.viewer, c1)).url);
    const wrongCanvas = await ticket(env.tokens.viewer, c1);
    expect(await s.authenticate(docOf(c2), wrongCanvas.ticket)).toMatchObject({ reason: 'wrong_document' });
    const s2 = await socket(wrongCanvas.url);
    const wrongTenant = await ticket(env.tokens.viewer, c1);
    expect(await s2.authenticate('globex/p1/c1', wrongTenant.ticket)).toMatchObject({ reason: 'wrong_document' });
    const s3 = await socket(wrongCanvas.url);
    const globexTicket = await ticket(env.tokens.globex, { ...c1, tenant_id: 'globex' });
    expect(await s3.authenticate('acme/p1/c1', globexTicket.ticket)).toMatchObject({ reason: 'wrong_document' });
    const s4 = await socket(wrongCanvas.url);
    expect(await s4.authenticate('acme/p1/c1', 'x'.repeat(32))).toMatchObject({ reason: 'ticket_unknown' });
  });

  it('[CONTRACT 7] only /v1/presence upgrades', async () => {
    await expect(PresenceSocket.open(`${env.gateway.url.replace('http', 'ws')}/v1/other`)).rejects.toThrow('HTTP 404');
  });
});

describe('presence over WebSocket', () => {
  it("[CONTRACT 7] two provider clients on one canvas see each other's cursors", async () => {
    const url = (await ticket(env.tokens.viewer, c1)).url;
    const vic = provider(env.gateway.url, env.tokens.viewer, c1, url);
    const ada = provider(env.gateway.url, env.tokens.agent, c1, url);
    vic.awareness!.setLocalState({ actor: actor('vic'), cursor: { x: 10, y: 20 } });
    ada.awareness!.setLocalState({ actor: actor('ada', 'agent'), cursor: { x: 30, y: 40 } });
    await until(() => cursorOf(vic, 'ada')?.x === 30 && cursorOf(ada, 'vic')?.x === 10, 10_000, 'both cursors');
    ada.awareness!.setLocalStateField('cursor', { x: 31, y: 41 });
    await until(() => cursorOf(vic, 'ada')?.x === 31, 5000, 'the moved cursor');
    expect(vic.authorizedScope).toBe('readonly');
  });

  it('[CONTRACT 7] the document is read-only: a doc update sent over WS is refused and changes nothing', async () => {
    const writer = await joined(env.tokens.admin, c1);
    const from = writer.frames.length;
    const doc = new Y.Doc();
    doc.getMap('notes').set('n1', 'smuggled');
    writer.docUpdate(docOf(c1), Y.encodeStateAsUpdate(doc));
    expect(await writer.waitFor((f) => f.kind === 'sync_status', 5000, from)).toMatchObject({ saved: false });
    // A fresh client syncs the presence document: it is still empty.
    const reader = await joined(env.tokens.viewer, c1);
    const step2 = await reader.waitFor(
      (f): f is Extract<PresenceFrame, { kind: 'sync' }> => f.kind === 'sync' && f.step === 1,
    );
    const mirror = new Y.Doc();
    Y.applyUpdate(mirror, step2.payload);
    expect(mirror.getMap('notes').size).toBe(0);
    expect(Y.encodeStateVector(mirror)).toEqual(new Uint8Array([0]));
    // And no update travelled to the others.
    expect(reader.frames.some((f) => f.kind === 'sync' && f.step === 2)).toBe(false);
  });

  it('[CONTRACT 7] awareness must satisfy the schema and name the ticket actor; others are dropped', async () => {
    const observer = await joined(env.tokens.admin, c1);
    const vic = await joined(env.tokens.viewer, c1);
    const doc = docOf(c1);
    vic.awareness(doc, [{ clientId: 7001, clock: 1, state: { actor: actor('ann'), cursor: { x: 1, y: 1 } } }]);
    vic.awareness(doc, [{ clientId: 7001, clock: 2, state: { actor: { ...actor('vic'), color: 'red' } } }]);
    vic.awareness(doc, [{ clientId: 7001, clock: 3, state: { actor: actor('vic', 'agent') } }]);
    vic.awareness(doc, [{ clientId: 7001, clock: 4, state: '{not json' }]);
    vic.broadcastStateless(doc, 'hello everyone');
    vic.awareness(doc, [{ clientId: 7001, clock: 5, state: { actor: actor('vic'), cursor: { x: 5, y: 5 } } }]);
    await observer.waitFor((f) => f.kind === 'awareness' && f.entries.some((e) => e.clientId === 7001));
    const seen = observer.frames.flatMap((f) => (f.kind === 'awareness' ? f.entries : []));
    expect(seen.filter((e) => e.clientId === 7001).map((e) => e.clock)).toEqual([5]);
    expect(observer.frames.some((f) => f.kind === 'other')).toBe(false); // no stateless broadcast
    // A state for a client id another connection holds is not this connection's to set.
    vic.awareness(doc, [{ clientId: 7001, clock: 6, state: { actor: actor('vic'), cursor: { x: 6, y: 6 } } }]);
    const other = await joined(env.tokens.agent, c1);
    other.awareness(doc, [{ clientId: 7001, clock: 99, state: { actor: actor('ada', 'agent') } }]);
    other.awareness(doc, [{ clientId: 7002, clock: 1, state: { actor: actor('ada', 'agent') } }]);
    await observer.waitFor((f) => f.kind === 'awareness' && f.entries.some((e) => e.clientId === 7002));
    expect(observer.awarenessStates(doc).get(7001)).toMatchObject({ actor: { id: 'vic' }, cursor: { x: 6 } });
  });

  it('[CONTRACT 7] awareness is rate-limited per connection (≈ 30 Hz): excess is coalesced, the latest wins', async () => {
    const observer = await joined(env.tokens.admin, c1);
    const flooder = await joined(env.tokens.viewer, c1);
    const doc = docOf(c1);
    const sent = 300;
    const started = Date.now();
    for (let i = 1; i <= sent; i++) {
      flooder.awareness(doc, [{ clientId: 8001, clock: i, state: { actor: actor('vic'), cursor: { x: i, y: 0 } } }]);
    }
    await until(
      () => (observer.awarenessStates(doc).get(8001) as { cursor?: { x: number } })?.cursor?.x === sent,
      10_000,
      'the last update',
    );
    const elapsedS = (Date.now() - started) / 1000;
    const delivered = observer.frames.flatMap((f) =>
      f.kind === 'awareness' ? f.entries.filter((e) => e.clientId === 8001) : [],
    ).length;
    // Burst of 30, then 30 per second (plus slack for timer granularity).
    expect(delivered).toBeLessThanOrEqual(30 + Math.ceil(30 * elapsedS) + 3);
    expect(delivered).toBeLessThan(sent / 2);
    expect(flooder.isOpen).toBe(true);
  });

  it('[CONTRACT 7] a lens change that takes sight of the canvas away closes those connections', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'revoke', 'c1');
    const vic = await joined(env.tokens.viewer, scope);
    const ada = await joined(env.tokens.agent, scope);
    const keep = (read: string[]) => ({
      tokens: { read, write: [] },
      state: { read: [], write: [] },
      sidecars: { see: false, resolve: false },
      commands: [],
    });
    // Narrower but still some sight: nobody is closed.
    let res = await api(env.gateway.url, 'PUT', '/v1/projects/revoke/lens', {
      token: env.tokens.admin,
      body: { roles: { viewer: keep(['plan.*']), editor: keep(['*']) } },
    });
    expect(res.status).toBe(200);
    // Then none for viewers.
    res = await api(env.gateway.url, 'PUT', '/v1/projects/revoke/lens', {
      token: env.tokens.admin,
      body: { roles: { viewer: keep([]), editor: keep(['*']) } },
    });
    expect(res.status).toBe(200);
    expect(await within(vic.closed, 10_000, 'the close')).toEqual(PRESENCE_CLOSE_REASONS.access_revoked);
    expect(vic.frames.some((f) => f.kind === 'close' && f.reason === 'access_revoked')).toBe(true);
    expect(ada.isOpen).toBe(true);
    const again = await api(env.gateway.url, 'POST', '/v1/presence/tickets', {
      token: env.tokens.viewer,
      body: { scope },
    });
    expect(again.status).toBe(403);
  });

  it('[CONTRACT 7] a connection closes when the token its ticket was issued under expires', async () => {
    const shortLived = await env.gateway.token({ tenant: 'acme', sub: 'tess', roles: ['viewer'], ttlSeconds: 2 });
    const s = await joined(shortLived, c1);
    const started = Date.now();
    expect(await within(s.closed, 10_000, 'the close')).toEqual(PRESENCE_CLOSE_REASONS.token_expired);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});

describe('presence in @easel/transport', () => {
  function transport(token: string | (() => Promise<string>), scope: Scope = c1): CanvasTransport {
    const t = new CanvasTransport({ baseUrl: env.gateway.url, token, scope: scope as never });
    cleanups.push(() => t.close());
    return t;
  }

  it('[CONTRACT 7] join, see the others (agents too), move, leave', async () => {
    const vic = transport(env.tokens.viewer).presence;
    const ada = transport(async () => env.tokens.agent).presence;
    expect(await vic.join({ cursor: { x: 1, y: 2 } })).toEqual({ ok: true, value: undefined });
    expect(await ada.join({ actor: { name: 'Ada (agent)' }, cursor: null })).toEqual({ ok: true, value: undefined });
    const peerOf = (peers: readonly PresencePeer[], id: string) => peers.find((p) => p.state.actor.id === id);
    await until(() => peerOf(vic.peers(), 'ada')?.state.actor.name === 'Ada (agent)', 10_000, 'vic sees ada');
    expect(peerOf(vic.peers(), 'ada')?.state.actor.kind).toBe('agent');
    const seenByAda: number[] = [];
    ada.onPeers((peers) => {
      const x = peerOf(peers, 'vic')?.state.cursor?.x;
      if (x !== undefined) seenByAda.push(x);
    });
    for (let x = 2; x <= 40; x++) expect(vic.updateLocal({ cursor: { x, y: 2 } }).ok).toBe(true);
    await until(() => seenByAda.at(-1) === 40, 5000, 'the last cursor position');
    expect(vic.setLocal({ actor: { color: 'blue' } }).ok).toBe(false); // invalid: refused locally
    vic.leave();
    await until(() => peerOf(ada.peers(), 'vic') === undefined, 5000, 'vic gone');
    expect(vic.status).toBe('idle');
  });

  it('[CONTRACT 7] an actor the lens shows nothing rests forbidden', async () => {
    const presence = transport(env.tokens.nobody).presence;
    const joined = await presence.join();
    expect(joined.ok ? 'joined' : joined.error.code).toBe('forbidden');
    expect(presence.status).toBe('forbidden');
  });

  it('[CONTRACT 7] it reconnects with a fresh ticket (and token) when the connection is closed', async () => {
    let minted = 0;
    const presence = transport(async () => {
      minted += 1;
      return env.gateway.token({ tenant: 'acme', sub: 'rita', roles: ['viewer'], ttlSeconds: 2 });
    }).presence;
    const observer = transport(env.tokens.admin).presence;
    expect((await observer.join()).ok).toBe(true);
    expect((await presence.join({ cursor: { x: 7, y: 7 } })).ok).toBe(true);
    const statuses: string[] = [];
    presence.onStatus((s) => statuses.push(s));
    // The token expires within 2 s: the gateway closes, the transport comes back on a new ticket.
    await until(() => statuses.includes('reconnecting') && presence.status === 'joined', 10_000, 'a rejoin');
    expect(minted).toBeGreaterThanOrEqual(2);
    await until(
      () => observer.peers().some((p) => p.state.actor.id === 'rita' && p.state.cursor?.x === 7),
      5000,
      'rita seen again',
    );
  });
});

describe('presence across two nodes', () => {
  let redis: RedisChild;
  let cluster: GatewayCluster;
  let token: string;
  let viewer: string;
  let scope: Scope;

  beforeAll(async () => {
    redis = await startRedisChild();
    cluster = await GatewayCluster.start({ nodes: 2, redisUrl: redis.url });
    token = await cluster.node(0).token({ tenant: 'acme', sub: 'ann', roles: ['admin'] });
    viewer = await cluster.node(0).token({ tenant: 'acme', sub: 'vic', roles: ['viewer'] });
    scope = await new TestWorld(cluster.node(0).url, 'acme').newCanvas(token, 'multi', 'c1');
  }, 120_000);

  afterAll(async () => {
    await cluster?.dispose();
    await redis?.stop();
  }, 60_000);

  it('[CONTRACT 7] collaborators connected to different nodes see each other', async () => {
    const a = cluster.node(0).url;
    const b = cluster.node(1).url;
    const onA = provider(a, token, scope, (await ticketOn(a, token, scope)).url);
    const onB = provider(b, viewer, scope, (await ticketOn(b, viewer, scope)).url);
    onA.awareness!.setLocalState({ actor: actor('ann'), cursor: { x: 1, y: 1 } });
    onB.awareness!.setLocalState({ actor: actor('vic'), cursor: { x: 2, y: 2 } });
    await until(() => cursorOf(onA, 'vic')?.x === 2 && cursorOf(onB, 'ann')?.x === 1, 15_000, 'cross-node cursors');
    onB.awareness!.setLocalStateField('cursor', { x: 3, y: 3 });
    await until(() => cursorOf(onA, 'vic')?.x === 3, 5000, 'the moved cursor on the other node');
  });

  it('[CONTRACT 7] a ticket issued by one node is good on any other, once', async () => {
    const t = await ticketOn(cluster.node(0).url, viewer, scope);
    const onB = await socket(t.url.replace(`:${cluster.node(0).port}`, `:${cluster.node(1).port}`));
    expect((await onB.authenticate(t.document, t.ticket)).kind).toBe('authenticated');
    const onA = await socket(t.url);
    expect(await onA.authenticate(t.document, t.ticket)).toMatchObject({ kind: 'denied', reason: 'ticket_used' });
  });

  it('[CONTRACT 7] a lens change on one node closes the revoked connections on the other', async () => {
    const onB = await joined(viewer, scope, cluster.node(1).url);
    const res = await api(cluster.node(0).url, 'PUT', '/v1/projects/multi/lens', {
      token,
      body: {
        roles: {
          viewer: {
            tokens: { read: [], write: [] },
            state: { read: [], write: [] },
            sidecars: { see: false, resolve: false },
            commands: [],
          },
        },
      },
    });
    expect(res.status).toBe(200);
    expect(await within(onB.closed, 10_000, 'the close')).toEqual(PRESENCE_CLOSE_REASONS.access_revoked);
  });
});
