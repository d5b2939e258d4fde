import { PRESENCE_CLOSE_REASONS, presenceTicketSchema } from '@easel/schemas';
import * as encoding from 'lib0/encoding';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { api } from './harness/api.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { authFrame, metricValue, RAW_MSG, rawFrame, syncFrame, troubleLines } from './harness/hostileFrames.ts';
import { type PresenceFrame, PresenceSocket } from './harness/PresenceSocket.ts';
import { bounded as within } from './harness/bounded.ts';

// Hostile and broken presence clients against a real gateway process (contract §7: nothing on WS
// is truth). Each case: the process lives, an honest client on the same canvas still sees the
// others, nothing crashes or prints a stack, and canvas truth is unchanged.

const env = gatewayPerFile({
  admin: { tenant: 'acme', sub: 'ann', roles: ['admin'] },
  viewer: { tenant: 'acme', sub: 'vic', roles: ['viewer'] },
  eve: { tenant: 'acme', sub: 'eve', roles: ['viewer'] },
  rita: { tenant: 'acme', sub: 'rita', roles: ['viewer'] },
});

type Scope = Record<string, string>;
let c1: Scope;
let c2: Scope;
let doc: string;
let observer: PresenceSocket;
let honest: PresenceSocket;
let honestX = 0;
const HONEST_ID = 424_242;
let truth: unknown;
/** Joined at the start, detached late (after the socket's first idle check saw it authenticated). */
let detached: PresenceSocket;
let detachedAt = 0;

const actor = (id: string, kind = 'human') => ({ id, kind, name: id.toUpperCase(), color: '#3366ff' });
const docOf = (scope: Scope) => `${scope.tenant_id}/${scope.project_id}/${scope.canvas_id}`;

async function ticket(token: string, scope: Scope = c1) {
  const res = await api(env.gateway.url, 'POST', '/v1/presence/tickets', { token, body: { scope } });
  if (res.status !== 200) throw new Error(`ticket: ${res.status} ${res.text}`);
  return presenceTicketSchema.parse(res.json);
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function open(url?: string): Promise<PresenceSocket> {
  const s = await PresenceSocket.open(url ?? (await ticket(env.tokens.viewer)).url);
  cleanups.push(() => s.ws.terminate());
  return s;
}

/** A raw socket authenticated on `scope`'s document (sync step 1 sent). */
async function joined(token: string, scope: Scope = c1, keep = false): Promise<PresenceSocket> {
  const t = await ticket(token, scope);
  const s = await PresenceSocket.open(t.url);
  if (!keep) cleanups.push(() => s.ws.terminate());
  const answer = await s.authenticate(t.document, t.ticket);
  if (answer.kind !== 'authenticated') throw new Error(`not authenticated: ${JSON.stringify(answer)}`);
  s.syncStep1(t.document);
  return s;
}

function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = async () => {
      if (await check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 25);
    };
    void tick();
  });
}

/** Waits until `read()` is at most `max` (bounded), or fails saying what it stayed at. */
async function settles(read: () => Promise<number>, max: number, what: string): Promise<void> {
  let last = Number.NaN;
  const check = async () => {
    last = await read();
    return last <= max;
  };
  await until(check, 10_000, `${what} back to at most ${max}`).catch((err: Error) => {
    throw new Error(`${err.message} (it stayed at ${last})`);
  });
}

const stateOf = (s: PresenceSocket, id: number) =>
  s.awarenessStates(doc).get(id) as { cursor?: { x: number } } | undefined;

async function readCanvas(): Promise<unknown> {
  const res = await api(env.gateway.url, 'GET', env.world.canvasPath(c1), { token: env.tokens.admin });
  expect(res.status).toBe(200);
  return { state: res.json.state, revision: res.json.revision };
}

/**
 * The rules after an attack: the process runs, printed no stack or unhandled error since `mark`,
 * the honest client's next cursor reaches the observer, and the canvas is as it was.
 */
async function expectUnharmed(mark: number): Promise<void> {
  expect(env.gateway.running).toBe(true);
  honestX += 1;
  const x = honestX;
  honest.awareness(doc, [{ clientId: HONEST_ID, clock: x + 1, state: { actor: actor('vic'), cursor: { x, y: 0 } } }]);
  await until(() => stateOf(observer, HONEST_ID)?.cursor?.x === x, 5000, `the honest cursor at x=${x}`);
  expect(await readCanvas()).toEqual(truth);
  expect(troubleLines(env.gateway.output.slice(mark))).toEqual([]);
}

beforeAll(async () => {
  c1 = await env.world.newCanvas(env.tokens.admin, 'hp', 'c1');
  doc = docOf(c1);
  await env.world.commit(env.tokens.admin, 'state.ops', c1, {
    ops: [{ op: 'insert', root: 'notes', key: 'n1', value: { text: 'truth' } }],
  });
  truth = await readCanvas();
  c2 = env.world.scope('hp', 'c2');
  await env.world.commit(env.tokens.admin, 'canvas.create', c2, { canvas_type: 'testboard' });
  observer = await joined(env.tokens.admin, c1, true);
  honest = await joined(env.tokens.viewer, c1, true);
  detached = await joined(env.tokens.eve, c1, true);
  detachedAt = Date.now();
  const mark = env.gateway.output.length;
  await expectUnharmed(mark);
});

describe('undecodable frames (contract §7)', () => {
  const garbage: Array<[string, (d: string) => Uint8Array | string]> = [
    ['random bytes', () => Uint8Array.from({ length: 64 }, (_, i) => (i * 197 + 31) % 256)],
    ['an empty frame', () => new Uint8Array(0)],
    ['a truncated varint', () => new Uint8Array([0x80, 0x80, 0x80])],
    ['a document name longer than the frame', () => new Uint8Array([100, 0x61, 0x62, 0x63])],
    ['a text frame', () => 'hello, gateway'],
    ['a 300-character document name', () => rawFrame('a'.repeat(300), RAW_MSG.auth)],
  ];

  for (const [name, make] of garbage) {
    it(`[CONTRACT 7] ${name} closes that socket with protocol_error, before and after authentication`, async () => {
      const mark = env.gateway.output.length;
      const fresh = await open();
      fresh.ws.send(make(doc));
      expect(await within(fresh.closed, 5000, 'the close')).toEqual(PRESENCE_CLOSE_REASONS.protocol_error);
      const authed = await joined(env.tokens.eve);
      authed.ws.send(make(doc));
      expect(await within(authed.closed, 5000, 'the close')).toEqual(PRESENCE_CLOSE_REASONS.protocol_error);
      await expectUnharmed(mark);
    });
  }

  it('[CONTRACT 7] a truncated or malformed auth message closes the socket without a stack trace', async () => {
    const mark = env.gateway.output.length;
    const frames = [
      rawFrame(doc, RAW_MSG.auth), // no sub-type, no token
      rawFrame(doc, RAW_MSG.auth, (e) => encoding.writeVarUint(e, 0)), // no token
      rawFrame(doc, RAW_MSG.auth, (e) => {
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint(e, 5000); // a token length beyond the frame
      }),
    ];
    for (const frame of frames) {
      const s = await open();
      s.send(frame);
      expect(await within(s.closed, 5000, 'the close')).toEqual(PRESENCE_CLOSE_REASONS.protocol_error);
    }
    await expectUnharmed(mark);
  });

  it('[CONTRACT 7] a frame over the size limit closes that socket (1009) and nothing else', async () => {
    const mark = env.gateway.output.length;
    const s = await joined(env.tokens.eve);
    s.send(new Uint8Array(600 * 1024));
    expect((await within(s.closed, 5000, 'the close')).code).toBe(1009);
    await expectUnharmed(mark);
  });

  it('[CONTRACT 7] a ninth document on one socket is a protocol error', async () => {
    const mark = env.gateway.output.length;
    const s = await joined(env.tokens.eve);
    for (let i = 0; i < 8; i++) s.send(authFrame(`acme/hp/other${i}`, 'x'.repeat(32)));
    expect(await within(s.closed, 5000, 'the close')).toEqual(PRESENCE_CLOSE_REASONS.protocol_error);
    await expectUnharmed(mark);
  });
});

describe('messages Hocuspocus would choke on, after authentication (contract §7)', () => {
  const bad: Array<[string, (d: string) => Uint8Array]> = [
    ['a sync message of an unknown step', (d) => syncFrame(d, 7, new Uint8Array([1, 2, 3]))],
    ['a sync step 1 with a garbage state vector', (d) => syncFrame(d, 0, new Uint8Array([5, 0xff, 0xff]))],
    ['a sync step 2 with a garbage update', (d) => syncFrame(d, 1, new Uint8Array([9, 9, 9, 9, 0xff, 0x80]))],
    ['a sync update with a garbage update', (d) => syncFrame(d, 2, new Uint8Array([3, 0xff, 0x80]))],
    ['a sync reply with a garbage state vector', (d) => syncFrame(d, 0, new Uint8Array([2, 0xff]), RAW_MSG.syncReply)],
    ['a truncated sync message', (d) => rawFrame(d, RAW_MSG.sync, (e) => encoding.writeVarUint(e, 1))],
    [
      'a sync message with trailing bytes',
      (d) =>
        rawFrame(d, RAW_MSG.sync, (e) => {
          encoding.writeVarUint(e, 0);
          encoding.writeVarUint8Array(e, new Uint8Array([0]));
          encoding.writeVarUint(e, 77);
        }),
    ],
    ['a second auth message', (d) => authFrame(d, 'x'.repeat(32))],
    ['an auth message of another sub-type', (d) => authFrame(d, 'hello', 1)],
    ['an unknown message type', (d) => rawFrame(d, 42, (e) => encoding.writeVarString(e, 'boo'))],
    ['a stateless message', (d) => rawFrame(d, RAW_MSG.stateless, (e) => encoding.writeVarString(e, 'hi'))],
  ];

  for (const [name, make] of bad) {
    it(`[CONTRACT 7] ${name} prints no stack, writes nothing, and the others go on`, async () => {
      const mark = env.gateway.output.length;
      const s = await joined(env.tokens.eve);
      s.send(make(doc));
      // A well-formed message after it: the socket is either still served or closed by the gateway.
      const from = s.frames.length;
      s.syncStep1(doc);
      await Promise.race([s.waitFor((f) => f.kind === 'sync', 3000, from).catch(() => undefined), s.closed]);
      await expectUnharmed(mark);
    });
  }
});

describe('awareness identity (contract §7: no one speaks for another)', () => {
  it('[CONTRACT 7] removals and updates for client ids others hold, and 300-entry updates, change nothing', async () => {
    const mark = env.gateway.output.length;
    const eve = await joined(env.tokens.eve);
    const before = stateOf(observer, HONEST_ID);
    eve.awareness(doc, [{ clientId: HONEST_ID, clock: 2 ** 40, state: null }]);
    eve.awareness(doc, [
      { clientId: HONEST_ID, clock: 2 ** 40, state: { actor: actor('eve'), cursor: { x: -1, y: -1 } } },
    ]);
    eve.awareness(
      doc,
      Array.from({ length: 300 }, (_, i) => ({ clientId: 900_000 + i, clock: 1, state: { actor: actor('eve') } })),
    );
    eve.awareness(doc, [{ clientId: 777, clock: 1, state: { actor: actor('eve'), pad: 'x'.repeat(70_000) } }]);
    eve.awareness(doc, [{ clientId: 0, clock: 1, state: { actor: actor('eve'), cursor: { x: 3, y: 3 } } }]);
    await until(() => stateOf(observer, 0)?.cursor?.x === 3, 5000, "eve's own state");
    expect(stateOf(observer, HONEST_ID)).toEqual(before);
    const ids = [...observer.awarenessStates(doc).keys()];
    expect(ids.filter((id) => id >= 900_000 || id === 777)).toEqual([]);
    eve.ws.terminate();
    await until(() => !observer.awarenessStates(doc).has(0), 5000, "eve's removal");
    expect(stateOf(observer, HONEST_ID)).toEqual(before);
    await expectUnharmed(mark);
  });

  it('[CONTRACT 7] a client id released by a reconnecting client cannot be taken by another actor meanwhile', async () => {
    const mark = env.gateway.output.length;
    const RITA = 515_151;
    const rita = await joined(env.tokens.rita);
    rita.awareness(doc, [{ clientId: RITA, clock: 3, state: { actor: actor('rita'), cursor: { x: 1, y: 1 } } }]);
    await until(() => stateOf(observer, RITA)?.cursor?.x === 1, 5000, "rita's cursor");
    rita.ws.terminate(); // a network blip: her provider keeps its client id and comes back
    await until(() => !observer.awarenessStates(doc).has(RITA), 5000, "rita's removal");
    const eve = await joined(env.tokens.eve);
    eve.awareness(doc, [{ clientId: RITA, clock: 2 ** 50, state: { actor: actor('eve'), cursor: { x: 66, y: 66 } } }]);
    eve.awareness(doc, [{ clientId: 616_161, clock: 1, state: { actor: actor('eve'), cursor: { x: 5, y: 5 } } }]);
    await until(() => stateOf(observer, 616_161)?.cursor?.x === 5, 5000, "eve's own cursor");
    expect(observer.awarenessStates(doc).get(RITA)).toBeUndefined();
    const back = await joined(env.tokens.rita);
    back.awareness(doc, [{ clientId: RITA, clock: 4, state: { actor: actor('rita'), cursor: { x: 2, y: 2 } } }]);
    await until(() => stateOf(observer, RITA)?.cursor?.x === 2, 5000, "rita's cursor after her reconnect");
    expect(observer.awarenessStates(doc).get(RITA)).toMatchObject({ actor: { id: 'rita' } });
    await expectUnharmed(mark);
  });

  it('[CONTRACT 7] a client that reconnects with the same client id leaves no ghost when it goes', async () => {
    const mark = env.gateway.output.length;
    const ID = 525_252;
    let clock = 1;
    for (let round = 0; round < 2; round++) {
      const s = await joined(env.tokens.rita);
      s.awareness(doc, [{ clientId: ID, clock: clock++, state: { actor: actor('rita'), cursor: { x: round, y: 0 } } }]);
      await until(() => stateOf(observer, ID)?.cursor?.x === round, 5000, `round ${round}'s cursor`);
      s.ws.terminate();
      await until(() => !observer.awarenessStates(doc).has(ID), 3000, `round ${round}'s removal`);
    }
    await expectUnharmed(mark);
  });
});

describe('writes over WS (contract §7: truth never travels upstream on WS)', () => {
  it('[CONTRACT 7] sync step 2, sync replies and updates carrying real edits reach neither the canvas nor the presence document', async () => {
    const mark = env.gateway.output.length;
    const s = await joined(env.tokens.admin);
    const edit = new Y.Doc();
    edit.getMap('notes').set('n2', 'smuggled');
    edit.getMap('notes').set('n1', { text: 'overwritten' });
    const update = Y.encodeStateAsUpdate(edit);
    const from = s.frames.length;
    s.send(syncFrame(doc, 1, update));
    s.send(syncFrame(doc, 1, update, RAW_MSG.syncReply));
    s.send(syncFrame(doc, 2, update, RAW_MSG.syncReply));
    await until(() => s.frames.slice(from).filter((f) => f.kind === 'sync_status').length >= 3, 5000, 'three acks');
    expect(
      s.frames
        .slice(from)
        .filter((f) => f.kind === 'sync_status')
        .map((f) => (f as { saved: boolean }).saved),
    ).toEqual([false, false, false]);
    const reader = await joined(env.tokens.viewer);
    const step2 = await reader.waitFor(
      (f): f is Extract<PresenceFrame, { kind: 'sync' }> => f.kind === 'sync' && f.step === 1,
    );
    const mirror = new Y.Doc();
    Y.applyUpdate(mirror, step2.payload);
    expect(Y.encodeStateVector(mirror)).toEqual(new Uint8Array([0]));
    await expectUnharmed(mark);
  });

  it('[CONTRACT 7] a flood of sync messages closes that socket (rate_limited)', async () => {
    const mark = env.gateway.output.length;
    const s = await joined(env.tokens.eve);
    for (let i = 0; i < 200; i++) s.syncStep1(doc);
    expect(await within(s.closed, 5000, 'the close')).toEqual(PRESENCE_CLOSE_REASONS.rate_limited);
    await expectUnharmed(mark);
  });
});

describe('floods the guard used to let through for free (contract §7)', () => {
  it('[CONTRACT 7] a WebSocket ping flood closes that socket (rate_limited) after a bounded number of pongs', async () => {
    const mark = env.gateway.output.length;
    const s = await joined(env.tokens.eve);
    let pongs = 0;
    s.ws.on('pong', () => {
      pongs += 1;
    });
    // Paced (10 pings, then a pause): `ws` cuts a socket with over 60 pongs still unwritten, but
    // not one whose pongs go out as fast as it pings.
    let open = true;
    void s.closed.then(() => {
      open = false;
    });
    let pings = 0;
    for (let round = 0; round < 300 && open; round++) {
      for (let i = 0; i < 10; i++) s.ws.ping();
      pings += 10;
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(await within(s.closed, 5000, 'the close')).toEqual(PRESENCE_CLOSE_REASONS.rate_limited);
    // The message budget's burst (60) and what refilled meanwhile, not one pong per ping.
    expect(pongs).toBeLessThan(500);
    expect(pings).toBeLessThan(3000);
    await expectUnharmed(mark);
  });

  it('[CONTRACT 7] a flood of messages the guard drops (stateless, unknown types) closes that socket (rate_limited)', async () => {
    const mark = env.gateway.output.length;
    for (const make of [
      () => rawFrame(doc, RAW_MSG.stateless, (e) => encoding.writeVarString(e, 'hi')),
      () => rawFrame(doc, 42),
    ]) {
      const s = await joined(env.tokens.eve);
      for (let i = 0; i < 2000; i++) s.ws.send(make());
      expect(await within(s.closed, 5000, 'the close')).toEqual(PRESENCE_CLOSE_REASONS.rate_limited);
    }
    await expectUnharmed(mark);
  });
});

describe('tickets and connections (contract §7)', () => {
  it('[CONTRACT 7] one ticket raced on ten sockets authenticates exactly one', async () => {
    const mark = env.gateway.output.length;
    const t = await ticket(env.tokens.eve);
    const sockets = await Promise.all(Array.from({ length: 10 }, () => open(t.url)));
    const answers = await Promise.all(sockets.map((s) => s.authenticate(t.document, t.ticket)));
    expect(answers.filter((a) => a.kind === 'authenticated')).toHaveLength(1);
    expect(answers.filter((a) => a.kind === 'denied').map((a) => (a as { reason: string }).reason)).toEqual(
      Array(9).fill('ticket_used'),
    );
    await expectUnharmed(mark);
  });

  it('[CONTRACT 7] sockets closed mid-handshake, ping floods and 200 join/leave cycles leave nothing behind', async () => {
    const mark = env.gateway.output.length;
    const sockets = () => metricValue(env.gateway.url, 'easel_presence_sockets');
    const sessions = () => metricValue(env.gateway.url, 'easel_presence_sessions');
    const baseSockets = await sockets();
    const baseSessions = await sessions();
    const documents = () => metricValue(env.gateway.url, 'easel_presence_documents');
    const baseDocuments = await documents();
    // Closed right after the auth message, before the answer.
    for (let i = 0; i < 20; i++) {
      const t = await ticket(env.tokens.eve);
      const s = await open(t.url);
      s.auth(t.document, t.ticket);
      s.syncStep1(t.document);
      if (i % 2 === 0) s.ws.terminate();
      else s.close();
    }
    // A ping flood (the socket reads its pongs): closed rate_limited.
    const pinger = await joined(env.tokens.eve);
    for (let i = 0; i < 2000; i++) pinger.ws.ping();
    await expectUnharmed(mark);
    pinger.ws.terminate();
    for (let i = 0; i < 200; i++) {
      const s = await joined(env.tokens.eve, c1, true);
      s.awareness(doc, [{ clientId: 1_000_000 + i, clock: 1, state: { actor: actor('eve'), cursor: { x: i, y: 0 } } }]);
      if (i % 2 === 0) s.ws.terminate();
      else s.close();
    }
    // Another canvas, joined and left 20 times: its presence document is unloaded after.
    for (let i = 0; i < 20; i++) {
      const s = await joined(env.tokens.eve, c2, true);
      s.awareness(docOf(c2), [{ clientId: 7, clock: i + 1, state: { actor: actor('eve'), cursor: { x: i, y: 0 } } }]);
      s.ws.terminate();
    }
    // At most the base: sockets of earlier tests may still have been closing when it was read.
    await settles(sockets, baseSockets, 'the sockets gauge');
    await settles(documents, baseDocuments, 'the documents gauge');
    await settles(sessions, baseSessions, 'the sessions gauge');
    expect(baseDocuments).toBe(1);
    await until(
      () => [...observer.awarenessStates(doc).keys()].every((id) => id < 1_000_000),
      10_000,
      'every churned state removed',
    );
    await expectUnharmed(mark);
  });
});

describe('memory a client can make the gateway hold (contract §7)', () => {
  it('[CONTRACT 7] messages sent before a ticket is checked are bounded per socket (rate_limited)', async () => {
    const mark = env.gateway.output.length;
    const s = await joined(env.tokens.eve);
    const big = new Uint8Array(400 * 1024);
    // Documents whose ticket never comes: Hocuspocus would queue every message for them.
    for (let d = 0; d < 7 && s.isOpen; d++) {
      for (let i = 0; i < 16 && s.isOpen; i++) s.send(syncFrame(`acme/hp/pending${d}`, 0, big));
    }
    expect(await within(s.closed, 10_000, 'the close')).toEqual(PRESENCE_CLOSE_REASONS.rate_limited);
    await expectUnharmed(mark);
  });

  it('[CONTRACT 7] a client that never reads is cut off once its send buffer is full', async () => {
    const mark = env.gateway.output.length;
    const cut = () => metricValue(env.gateway.url, 'easel_presence_closed_total', { reason: 'slow_consumer' });
    const before = await cut();
    const sleeper = await joined(env.tokens.eve);
    (sleeper.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const flooders = await Promise.all([0, 1, 2].map(() => joined(env.tokens.rita)));
    const pad = 'x'.repeat(60_000);
    let clock = 0;
    const timer = setInterval(() => {
      clock += 1;
      flooders.forEach((f, i) => {
        f.awareness(doc, [{ clientId: 2_000_000 + i, clock, state: { actor: actor('rita'), pad, n: clock } }]);
      });
    }, 30);
    try {
      await until(async () => (await cut()) > before, 30_000, 'the sleeping socket cut off');
    } finally {
      clearInterval(timer);
    }
    for (const f of flooders) f.ws.terminate();
    await expectUnharmed(mark);
  });

  it('[CONTRACT 7] sockets without an authenticated document are closed (never authenticated, or closed their last)', async () => {
    const mark = env.gateway.output.length;
    const IDLE_MS = 10_000; // the gateway's default authTimeoutMs
    const silent = await open();
    // The detached socket was authenticated for longer than the idle time: only its own
    // document's close can start its countdown.
    await new Promise((r) => setTimeout(r, Math.max(0, detachedAt + IDLE_MS + 500 - Date.now())));
    expect(detached.isOpen).toBe(true);
    const from = detached.frames.length;
    detached.send(rawFrame(doc, RAW_MSG.close));
    await detached.waitFor((f) => f.kind === 'close', 5000, from);
    expect(await within(silent.closed, IDLE_MS + 3000, 'the silent close')).toEqual(
      PRESENCE_CLOSE_REASONS.unauthenticated,
    );
    expect(await within(detached.closed, IDLE_MS + 3000, 'the detached close')).toEqual(
      PRESENCE_CLOSE_REASONS.unauthenticated,
    );
    await expectUnharmed(mark);
  });
});
