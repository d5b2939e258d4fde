import type { ServerResponse } from 'node:http';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CanvasTransport, type CanvasTransportOptions } from './CanvasTransport.ts';
import type { ConnectionStatus } from './connection/ConnectionMachine.ts';
import { BACKOFF_TIERS } from './connection/backoff.ts';
import { bytesToBase64 } from './lib/base64.ts';
import type { Timers } from './lib/deps.ts';
import { loadAnswerGuards } from './lib/validation.ts';
import type { ProtocolError } from './sse/SseReader.ts';
import { MAX_FRAME_CHARS } from './sse/readEventStream.ts';
import {
  TEST_MANIFEST,
  TEST_SCOPE,
  cursorOf,
  frame,
  readyFrame,
  statePatch,
  tokenPatch,
  updateOn,
} from './testing/frames.ts';
import {
  type ScriptedRequest,
  type ScriptedServer,
  answerJson,
  openSse,
  startScriptedServer,
} from './testing/scriptedServer.ts';

// A real CanvasTransport against a real HTTP server that misbehaves on purpose (real sockets, real
// timers, short backoff tiers). Each case: what the transport does, and that it is sane — a defined
// connection state, a typed reason the app can read, a mirror that never applies half of an event,
// no throw escaping, nothing left running after close().

const EVENTS = '/v1/canvases/';
const COMMANDS = '/v1/commands';
const TIERS = [
  { name: 'fast', ms: 20 },
  { name: 'cap', ms: 40 },
];

beforeAll(async () => {
  await loadAnswerGuards();
});

/** Real timers that count the timers still pending (to prove close() leaves none). */
class CountingTimers implements Timers {
  readonly live = new Set<unknown>();
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = setTimeout(() => {
      this.live.delete(handle);
      callback();
    }, ms);
    this.live.add(handle);
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.live.delete(handle);
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}

interface Harness {
  readonly server: ScriptedServer;
  readonly transport: CanvasTransport;
  readonly timers: CountingTimers;
  readonly problems: ProtocolError[];
  readonly statuses: ConnectionStatus[];
}

let open: Harness[] = [];

afterEach(async () => {
  for (const h of open) {
    h.transport.close();
    await h.server.close();
  }
  open = [];
});

async function harness(options: Partial<CanvasTransportOptions> = {}): Promise<Harness> {
  const server = await startScriptedServer();
  const timers = new CountingTimers();
  const transport = new CanvasTransport({
    baseUrl: server.url,
    token: 'tok',
    scope: TEST_SCOPE,
    paintFirst: false,
    tiers: TIERS,
    idleTimeoutMs: 5_000,
    requestTimeoutMs: 5_000,
    timers,
    ...options,
  });
  const problems: ProtocolError[] = [];
  const statuses: ConnectionStatus[] = [];
  transport.onProtocolError((p) => problems.push(p));
  transport.onStatus((s) => statuses.push(s));
  const h = { server, transport, timers, problems, statuses };
  open.push(h);
  return h;
}

/** Resolves once `subscribe`'s listener sees a value passing `accept` (bounded). */
function until<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = 3_000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const off = subscribe((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

const problem = (h: Harness, reason: ProtocolError['reason'], pattern: RegExp) =>
  until<ProtocolError>(
    (l) => h.transport.onProtocolError(l),
    (p) => p.reason === reason && pattern.test(p.message),
    `a ${reason} protocol error matching ${pattern}`,
  );

const statusOf = (h: Harness, status: ConnectionStatus) =>
  h.transport.status === status
    ? Promise.resolve(status)
    : until<ConnectionStatus>(
        (l) => h.transport.onStatus(l),
        (s) => s === status,
        `status ${status}`,
      );

/** Connects and serves the first stream request with a 200 SSE answer. */
async function connected(h: Harness): Promise<{ get: ScriptedRequest; res: ServerResponse }> {
  h.transport.connect();
  const get = await h.server.next(EVENTS);
  return { get, res: openSse(get) };
}

const TOKENS = { 'plan.title': 'start', 'style.color': '#000000' };

function seeded(): Y.Doc {
  const doc = new Y.Doc();
  doc.getMap('notes').set('n1', 'hello');
  return doc;
}

/** A CANVAS_READY whose snapshot `update` is the given (raw) text. */
function readyWithUpdate(update: string, cursor = cursorOf(1)): string {
  return frame(
    'CANVAS_READY',
    {
      canvas_id: TEST_SCOPE.canvas_id,
      canvas_type: 'board',
      manifest: TEST_MANIFEST,
      revision: 1,
      cursor,
      reset: false,
      snapshot: { tokens: TOKENS, update },
    },
    null,
  );
}

describe('CanvasTransport against a hostile gateway (real sockets)', () => {
  describe('SSE frames', () => {
    it('[CONTRACT 4] skips bad JSON and bad envelopes of unknown types and of telemetry (each reported once), replays and rewinds; passes unknown types and id-less telemetry through; keeps the mirror whole', async () => {
      const h = await harness();
      const { res } = await connected(h);
      const seen: string[] = [];
      h.transport.onEvent('*', (e) => seen.push(e.type));
      res.write(readyFrame({ cursor: cursorOf(1), revision: 1, snapshot: { tokens: TOKENS } }));
      res.write(tokenPatch('plan.title', 'two', 2, cursorOf(2)));
      // A durable frame of a type this client does not know (a newer server's): skipped, never a resync.
      res.write('id: epochaaa1-3\nevent: galaxy_brain\ndata: {"v":1,"type":\n\n');
      // Telemetry (no `id:`) whose payload is not its type's: skipped too.
      res.write(frame('chat_token', { turn_id: 7 }, null, { durable: false }));
      res.write(tokenPatch('plan.title', 'replayed', 2, cursorOf(2)));
      res.write(tokenPatch('plan.title', 'rewound', 1, cursorOf(1)));
      res.write(frame('galaxy_brain', { whatever: [1, 2] }, cursorOf(4)));
      res.write(frame('progress', { job_id: 'j1', percent: 5 }, null, { durable: false }));
      res.write(tokenPatch('plan.title', 'five', 5, cursorOf(5)));
      await until<string>(
        (l) => h.transport.onEvent('*', (e) => l(e.type)),
        () => h.transport.cursor === cursorOf(5),
        'the last good frame',
      );
      expect(h.problems.map((p) => p.reason)).toEqual(['bad_json', 'bad_event']);
      expect(h.problems.map((p) => p.message).join('\n')).not.toMatch(/resyncing/);
      expect(h.server.requests).toHaveLength(1);
      expect(seen).toEqual(['CANVAS_READY', 'token_patch', 'galaxy_brain', 'progress', 'token_patch']);
      expect(h.transport.tokens).toEqual({ ...TOKENS, 'plan.title': 'five' });
      expect(h.transport.revision).toBe(5);
      expect(h.transport.streamCounts.duplicates).toBe(2);
      expect(h.transport.status).toBe('open');
    });

    for (const [name, bad, reason] of [
      ['is not JSON', `id: ${cursorOf(2)}\nevent: token_patch\ndata: {"v":1,"type":\n\n`, 'bad_json'],
      [
        "has a payload that is not its type's",
        frame('token_patch', { token_id: 'plan.title', op: 'set', value: 'lost', revision: 'two' }, cursorOf(2)),
        'bad_event',
      ],
      [
        'has an envelope that is not one',
        `id: ${cursorOf(2)}\nevent: state_patch\ndata: ${JSON.stringify({ v: 1, type: 'state_patch', payload: {} })}\n\n`,
        'bad_event',
      ],
      [
        'names another type in its envelope than in event:',
        `id: ${cursorOf(2)}\nevent: canvas_commit\ndata: ${JSON.stringify({ ...JSON.parse(tokenPatch('plan.title', 'x', 2, cursorOf(2)).split('data: ')[1]!), type: 'galaxy_brain' })}\n\n`,
        'bad_event',
      ],
    ] as const) {
      it(`[CONTRACT 4] a durable frame of a known type that ${name} is reported and resyncs: the mirror never goes on without it`, async () => {
        const h = await harness();
        const { res } = await connected(h);
        const titles: unknown[] = [];
        h.transport.onToken('plan.title', (v) => titles.push(v));
        res.write(readyFrame({ cursor: cursorOf(1), revision: 1, snapshot: { tokens: TOKENS } }));
        res.write(bad);
        // Builds on the event the mirror missed: never applied from this stream.
        res.write(tokenPatch('plan.title', 'on top of a gap', 3, cursorOf(3)));
        const reported = await problem(h, reason, /; resyncing$/);
        expect(reported.frame?.id).toBe(cursorOf(2));
        const again = await h.server.next(EVENTS);
        expect(again.headers['last-event-id']).toBeUndefined();
        openSse(again).write(
          readyFrame({ cursor: cursorOf(3), revision: 3, snapshot: { tokens: { ...TOKENS, 'plan.title': 'truth' } } }),
        );
        await until<unknown>(
          (l) => h.transport.onToken('plan.title', l),
          (v) => v === 'truth',
          'the fresh snapshot',
        );
        expect(titles).toEqual(['start', 'truth']);
        expect(h.transport.cursor).toBe(cursorOf(3));
        expect(h.transport.revision).toBe(3);
        expect(h.problems).toHaveLength(1);
      });
    }

    it('a retry: of garbage or a negative number is a bad line; a huge one is clamped to the backoff cap', async () => {
      const h = await harness();
      const { get, res } = await connected(h);
      res.write(readyFrame({ cursor: cursorOf(1), snapshot: { tokens: TOKENS } }));
      res.write('retry: soon\n\nretry: -5\n\n');
      await problem(h, 'bad_line', /-5/);
      expect(h.problems.filter((p) => p.reason === 'bad_line')).toHaveLength(2);
      res.end('retry: 99999999999999999999\n\n');
      // The server asked for 3 × 10^15 years: the next attempt still comes within the cap tier.
      const again = await h.server.next(EVENTS, 2_000);
      expect(again.index).toBe(get.index + 1);
      expect(again.headers['last-event-id']).toBe(cursorOf(1));
    });

    it('a stream that breaks off mid-frame drops the half frame and resumes after the last whole one', async () => {
      const h = await harness();
      const { res } = await connected(h);
      res.write(readyFrame({ cursor: cursorOf(1), snapshot: { tokens: TOKENS } }));
      res.write(tokenPatch('plan.title', 'whole', 2, cursorOf(2)));
      const half = tokenPatch('plan.title', 'half', 3, cursorOf(3));
      res.write(half.slice(0, half.length - 20));
      await until<string>(
        (l) => h.transport.onToken('plan.title', (v) => l(String(v))),
        (v) => v === 'whole',
        'the whole frame',
      );
      res.socket?.destroy();
      const again = await h.server.next(EVENTS);
      expect(again.headers['last-event-id']).toBe(cursorOf(2));
      expect(h.transport.tokens['plan.title']).toBe('whole');
      expect(h.problems).toEqual([]);
    });

    it('a 20 MB line without a line break: the reader gives up at its frame limit (no unbounded buffer), reports frame_too_large and reconnects', async () => {
      const h = await harness();
      const { res } = await connected(h);
      res.write(readyFrame({ cursor: cursorOf(1), snapshot: { tokens: TOKENS } }));
      const chunk = 'x'.repeat(1 << 20);
      let written = 0;
      res.write('data: ');
      const writeMore = () => {
        while (written < 20 && !res.destroyed) {
          written += 1;
          if (!res.write(chunk)) {
            res.once('drain', writeMore);
            return;
          }
        }
      };
      writeMore();
      // The app reads why: a coded protocol error naming the limit.
      const tooLarge = await problem(h, 'frame_too_large', new RegExp(`limit of ${MAX_FRAME_CHARS} characters`));
      expect(tooLarge.message).toMatch(/the stream was broken off/);
      const again = await h.server.next(EVENTS, 5_000);
      expect(again.headers['last-event-id']).toBe(cursorOf(1));
      // It hung up well before the 20 MB were through.
      expect(written).toBeLessThan(20);
      expect(h.transport.cursor).toBe(cursorOf(1));
      expect(h.transport.streamCounts.delivered).toBe(1);
    });
  });

  describe('the stream answer', () => {
    it('a 200 that is not text/event-stream (a captive portal, a proxy page) is refused, not read as a stream', async () => {
      const h = await harness();
      h.transport.connect();
      for (let i = 0; i < 3; i++) {
        const get = await h.server.next(EVENTS);
        get.res.writeHead(200, { 'content-type': 'text/html' });
        get.res.end('<html>\n<body>\nPlease log in to the hotel wifi\n</body>\n</html>\n');
      }
      await h.server.next(EVENTS);
      expect(h.transport.streamCounts.opens).toBe(0);
      expect(h.statuses).not.toContain('open');
      expect(h.problems).toEqual([]);
      const ready = await h.transport.ready({ timeoutMs: 1 });
      expect(!ready.ok && ready.error.message).toMatch(/HTTP 200: <html>/);
    });

    it('401 twice rests unauthorized, 403 without a JSON body rests forbidden, each with the reason; 404 and 503 back off and retry', async () => {
      let calls = 0;
      const a = await harness({ token: () => `tok-${++calls}` });
      a.transport.connect();
      for (let i = 0; i < 2; i++) {
        answerJson(await a.server.next(EVENTS), 401, {
          error: { code: 'unauthenticated', message: 'token expired at noon', request_id: 'r' },
        });
      }
      await statusOf(a, 'unauthorized');
      const refused = await a.transport.ready();
      // The code once: the message is the gateway's reason (an app prints `${code}: ${message}`).
      expect(refused).toEqual({ ok: false, error: { code: 'unauthenticated', message: 'token expired at noon' } });
      expect(a.server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);

      const b = await harness();
      b.transport.connect();
      const get = await b.server.next(EVENTS);
      get.res.writeHead(403, { 'content-type': 'text/plain' });
      get.res.end('go away');
      await statusOf(b, 'forbidden');
      const forbidden = await b.transport.ready();
      expect(!forbidden.ok && forbidden.error).toEqual({ code: 'forbidden', message: 'HTTP 403: go away' });

      const c = await harness();
      c.transport.connect();
      answerJson(await c.server.next(EVENTS), 404, {
        error: { code: 'not_found', message: 'no canvas', request_id: 'r' },
      });
      const afterNotFound = await c.server.next(EVENTS);
      afterNotFound.res.writeHead(503, { 'retry-after': '0' });
      afterNotFound.res.end();
      const third = openSse(await c.server.next(EVENTS));
      third.write(readyFrame({ cursor: cursorOf(1), snapshot: { tokens: TOKENS } }));
      expect((await c.transport.ready()).ok).toBe(true);
      expect(c.statuses).toEqual(['connecting', 'reconnecting', 'open']);
    });

    const garbage = bytesToBase64(new TextEncoder().encode('not a Yjs update at all'));
    for (const [name, body] of [
      ['ends it at once', ': nothing here\n\n'],
      ['sends a snapshot that does not apply', readyWithUpdate(garbage)],
    ] as const) {
      it(`a server that opens every stream and ${name} is reconnected to with growing delays, not hammered`, async () => {
        // random → 1: every delay is its tier's ceiling, so the growth is exact.
        const tiers = [10, 20, 40, 80, 160].map((ms) => ({ name: `t${ms}`, ms }));
        const h = await harness({ tiers, random: () => 0.999_999 });
        h.transport.connect();
        let last = 0;
        for (let i = 0; i < 5; i++) {
          const get = await h.server.next(EVENTS);
          last = Date.now();
          openSse(get).end(body);
        }
        await h.server.next(EVENTS);
        // The 6th attempt came after the 5th failure in a row: 160 ms at least, not the first tier again.
        expect(Date.now() - last).toBeGreaterThanOrEqual(150);
        expect(h.transport.status).toBe('offline');
      });
    }

    it('a stream that delivered events counts as healthy: its drop reconnects from the first tier', async () => {
      const tiers = [10, 2_000].map((ms) => ({ name: `t${ms}`, ms }));
      const h = await harness({ tiers, random: () => 0.999_999 });
      h.transport.connect();
      openSse(await h.server.next(EVENTS)).end();
      const second = openSse(await h.server.next(EVENTS, 3_000));
      second.end(readyFrame({ cursor: cursorOf(1), snapshot: { tokens: TOKENS } }));
      const third = await h.server.next(EVENTS, 1_000);
      expect(third.headers['last-event-id']).toBe(cursorOf(1));
    });

    it('429 with Retry-After: the next attempt waits at least that long', async () => {
      const h = await harness({ tiers: BACKOFF_TIERS });
      h.transport.connect();
      answerJson(
        await h.server.next(EVENTS),
        429,
        { error: { code: 'rate_limited', message: 'slow down', request_id: 'r' } },
        { 'retry-after': '1' },
      );
      const refusedAt = Date.now();
      await h.server.next(EVENTS, 3_000);
      expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(900);
    });

    it('a server that never sends the answer headers (or never ends a refusal body) is given up on and retried', async () => {
      const h = await harness({ idleTimeoutMs: 300 });
      h.transport.connect();
      await h.server.next(EVENTS); // never answered
      const second = await h.server.next(EVENTS, 3_000);
      second.res.writeHead(503, { 'content-type': 'application/json' });
      second.res.write('{"error":'); // never ended
      const third = openSse(await h.server.next(EVENTS, 3_000));
      third.write(readyFrame({ cursor: cursorOf(1), snapshot: { tokens: TOKENS } }));
      expect((await h.transport.ready()).ok).toBe(true);
    });
  });

  describe('the mirror', () => {
    for (const [name, update] of [
      ['is not base64', '!!not*base64!!'],
      ['is base64 but not a Yjs update', bytesToBase64(new TextEncoder().encode('hello world this is not yjs'))],
    ] as const) {
      it(`a CANVAS_READY whose snapshot update ${name} is reported, not applied, not ready: a fresh snapshot is fetched, and ready comes with it`, async () => {
        const h = await harness();
        const readies: Array<string | null> = [];
        h.transport.onReady((p) => readies.push(p.cursor));
        const ready = h.transport.ready();
        const { res } = await connected(h);
        res.write(readyWithUpdate(update));
        res.write(tokenPatch('plan.title', 'on top of nothing', 2, cursorOf(2)));
        await problem(h, 'bad_event', /snapshot|update/);
        const again = await h.server.next(EVENTS);
        expect(again.headers['last-event-id']).toBeUndefined();
        const server = seeded();
        openSse(again).write(readyWithUpdate(bytesToBase64(Y.encodeStateAsUpdate(server)), cursorOf(2)));
        await until<unknown>(
          (l) => h.transport.onReady(l),
          () => true,
          'the fresh snapshot',
        );
        expect(h.transport.doc.getMap('notes').toJSON()).toEqual({ n1: 'hello' });
        expect(h.transport.view).toBe('full');
        expect(h.transport.cursor).toBe(cursorOf(2));
        // onReady and ready() only for the snapshot that applied.
        expect(readies).toEqual([cursorOf(2)]);
        const readied = await ready;
        expect(readied.ok && readied.value.cursor).toBe(cursorOf(2));
      });
    }

    it('a state_patch whose update is not a Yjs update is reported, and a fresh snapshot repairs the mirror', async () => {
      const h = await harness();
      const { res } = await connected(h);
      const server = seeded();
      res.write(readyWithUpdate(bytesToBase64(Y.encodeStateAsUpdate(server))));
      const lost = updateOn(server, (d) => d.getMap('notes').set('n2', 'lost'));
      res.write(
        frame('state_patch', { roots: ['notes'], revision: 2, update: bytesToBase64(lost.slice(0, 3)) }, cursorOf(2)),
      );
      const next = updateOn(server, (d) => d.getMap('notes').set('n3', 'after'));
      res.write(statePatch(next, ['notes'], 3, cursorOf(3)));
      await problem(h, 'bad_event', /state_patch/);
      const again = await h.server.next(EVENTS);
      expect(again.headers['last-event-id']).toBeUndefined();
      openSse(again).write(readyWithUpdate(bytesToBase64(Y.encodeStateAsUpdate(server)), cursorOf(3)));
      await until<unknown>(
        (l) => h.transport.onDoc(l),
        () => true,
        'the rebuilt document',
      );
      expect(h.transport.doc.getMap('notes').toJSON()).toEqual({ n1: 'hello', n2: 'lost', n3: 'after' });
      expect(h.transport.doc.store.pendingStructs).toBeNull();
    });
  });

  describe('commands', () => {
    const committed = { status: 'committed', cursor: cursorOf(9), revision: 9 };
    const idOf = (r: ScriptedRequest) => (JSON.parse(r.body) as { command_id: string }).command_id;

    it('[CONTRACT 5] 500, 502 and a hanging answer are retried under the same command_id until it commits', async () => {
      const h = await harness({ requestTimeoutMs: 300 });
      const sent = h.transport.setToken('plan.title', 'x');
      const first = await h.server.next(COMMANDS);
      answerJson(first, 500, { error: { code: 'internal', message: 'boom', request_id: 'r' } });
      const second = await h.server.next(COMMANDS);
      second.res.writeHead(502);
      second.res.end('<html>bad gateway</html>');
      await h.server.next(COMMANDS); // hangs: given up on after requestTimeoutMs
      const fourth = await h.server.next(COMMANDS, 3_000);
      answerJson(fourth, 200, committed);
      const result = await sent;
      expect(result).toEqual({ ok: true, value: { ...committed, commandId: idOf(first) } });
      expect(h.server.requests.map(idOf)).toEqual(Array(4).fill(idOf(first)));
    });

    it('[CONTRACT 5] a 200 that is not JSON is retried under the same command_id, then is a protocol error; so is JSON of the wrong shape', async () => {
      const h = await harness({ commandAttempts: 2 });
      const garbled = h.transport.setToken('plan.title', 'x');
      for (let i = 0; i < 2; i++) {
        const post = await h.server.next(COMMANDS);
        post.res.writeHead(200, { 'content-type': 'text/html' });
        post.res.end('<html>welcome</html>');
      }
      const result = await garbled;
      expect(!result.ok && result.error).toMatchObject({ code: 'protocol', status: 200 });
      expect(!result.ok && result.error.message).toMatch(/POST \/v1\/commands answered a body that is not JSON/);
      expect(new Set(h.server.requests.map(idOf)).size).toBe(1);

      const odd = h.transport.setToken('plan.title', 'y');
      answerJson(await h.server.next(COMMANDS), 200, { status: 'great success' });
      const oddResult = await odd;
      expect(!oddResult.ok && oddResult.error.code).toBe('protocol');
    });
  });

  describe('close()', () => {
    it('leaves no timer, socket or pending promise behind, wherever the transport was', async () => {
      const h = await harness({ requestTimeoutMs: 60_000 });
      const { res } = await connected(h);
      res.write(readyFrame({ cursor: cursorOf(1), snapshot: { tokens: TOKENS } }));
      await h.transport.ready();
      const hanging = h.transport.setToken('plan.title', 'x');
      await h.server.next(COMMANDS);
      const waiting = h.transport.awaitCursor(cursorOf(50), { timeoutMs: 60_000 });
      const notReady = h.transport.ready({ timeoutMs: 60_000 });
      const streamClosed = new Promise<void>((resolve) => res.on('close', () => resolve()));
      h.transport.close();
      expect(await hanging).toMatchObject({ ok: false, error: { code: 'closed' } });
      expect(await waiting).toMatchObject({ ok: false, error: { code: 'closed' } });
      expect((await notReady).ok).toBe(true);
      await streamClosed;
      expect(h.timers.live.size).toBe(0);
      expect(h.transport.status).toBe('closed');
    });
  });
});
