import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange, rawPost } from '../../test/harness/rawHttp.ts';
import { BODY_BUDGET_BUSY, BodyBudget, sendBodyBudgetBusy } from './BodyBudget.ts';
import {
  HTTP_BODY_BUDGET_DEFAULT_BYTES,
  HTTP_BODY_IDLE_DEFAULT_MS,
  httpBodyBudgetBytes,
  httpBodyIdleMs,
} from './createHttpServer.ts';
import { jsonBody } from './jsonBody.ts';
import { type BodyResult, readJsonBody } from './readJsonBody.ts';

describe('BodyBudget', () => {
  it('[CONTRACT 3] reserves up to its capacity, refuses past it while others hold bytes, and releases', () => {
    const budget = new BodyBudget(100);
    expect(budget.tryReserve(60)).toBe(true);
    expect(budget.tryReserve(40)).toBe(true);
    expect(budget.inFlightBytes).toBe(100);
    expect(budget.fits(1)).toBe(false);
    expect(budget.tryReserve(1)).toBe(false);
    expect(budget.inFlightBytes).toBe(100);
    budget.release(40);
    expect(budget.fits(40)).toBe(true);
    expect(budget.fits(41)).toBe(false);
    expect(budget.tryReserve(41)).toBe(false);
    expect(budget.tryReserve(40)).toBe(true);
    budget.release(40);
    budget.release(60);
    expect(budget.inFlightBytes).toBe(0);
  });

  it('admits a lone body over the capacity (its own earlier chunks do not count as others)', () => {
    const budget = new BodyBudget(100);
    expect(budget.tryReserve(80)).toBe(true);
    expect(budget.tryReserve(80, 80)).toBe(true);
    expect(budget.inFlightBytes).toBe(160);
    expect(budget.tryReserve(1)).toBe(false);
    budget.release(160);
    expect(budget.fits(500)).toBe(true);
    expect(budget.tryReserve(500)).toBe(true);
    expect(budget.tryReserve(1, 0)).toBe(false);
  });

  it('releasing more than is reserved (a programmer error) does not throw: the budget drops to 0 and the first one is logged at error level', () => {
    const logged: Array<{ fields: unknown; message: string }> = [];
    const logger = { error: (fields: unknown, message: string) => logged.push({ fields, message }) };
    const budget = new BodyBudget(100, { logger: logger as never });
    budget.tryReserve(30);
    budget.release(30);
    expect(() => budget.release(30)).not.toThrow();
    expect(budget.inFlightBytes).toBe(0);
    budget.tryReserve(20);
    expect(() => budget.release(50)).not.toThrow();
    expect(budget.inFlightBytes).toBe(0);
    expect(logged).toEqual([
      {
        fields: { released_bytes: 30, reserved_bytes: 0 },
        message: expect.stringMatching(/released more bytes than are reserved/),
      },
    ]);
    // Still usable afterwards.
    expect(budget.tryReserve(100)).toBe(true);
    budget.release(100);
    expect(budget.inFlightBytes).toBe(0);
  });

  it('useLogger gives a budget made without one its logger (the first one given wins)', () => {
    const first: unknown[] = [];
    const second: unknown[] = [];
    const budget = new BodyBudget(10);
    budget.useLogger({ error: (fields: unknown) => first.push(fields) } as never);
    budget.useLogger({ error: (fields: unknown) => second.push(fields) } as never);
    budget.release(5);
    expect(first).toEqual([{ released_bytes: 5, reserved_bytes: 0 }]);
    expect(second).toEqual([]);
  });

  it('refuses a capacity or idle time that is not a positive integer (programmer errors)', () => {
    expect(() => new BodyBudget(0)).toThrow(RangeError);
    expect(() => new BodyBudget(10, { idleMs: 0 })).toThrow(RangeError);
    expect(() => new BodyBudget(10, { idleMs: 1.5 })).toThrow(RangeError);
    expect(new BodyBudget(10).idleMs).toBe(HTTP_BODY_IDLE_DEFAULT_MS);
    expect(new BodyBudget(10, { idleMs: 250 }).idleMs).toBe(250);
  });

  it('its idle time is read from EASEL_HTTP_BODY_IDLE_MS (a positive integer; unset: 10 s; anything else is refused with a message)', () => {
    expect(HTTP_BODY_IDLE_DEFAULT_MS).toBe(10_000);
    expect(httpBodyIdleMs({})).toEqual({ ok: true, value: 10_000 });
    expect(httpBodyIdleMs({ EASEL_HTTP_BODY_IDLE_MS: '' })).toEqual({ ok: true, value: 10_000 });
    expect(httpBodyIdleMs({ EASEL_HTTP_BODY_IDLE_MS: '300' })).toEqual({ ok: true, value: 300 });
    for (const bad of ['0', '-5', '1.5', 'soon', '10s', '1e4', '99999999999999999999']) {
      const read = httpBodyIdleMs({ EASEL_HTTP_BODY_IDLE_MS: bad });
      expect(read.ok, bad).toBe(false);
      if (!read.ok) expect(read.message).toContain(`EASEL_HTTP_BODY_IDLE_MS must be a positive integer`);
    }
  });

  it('its capacity is read from EASEL_HTTP_BODY_BUDGET_BYTES (a positive integer, else 256 MiB)', () => {
    expect(HTTP_BODY_BUDGET_DEFAULT_BYTES).toBe(256 * 1024 * 1024);
    expect(httpBodyBudgetBytes({ EASEL_HTTP_BODY_BUDGET_BYTES: '2097152' })).toBe(2097152);
    for (const bad of [undefined, '', '0', '-5', '1.5', 'lots']) {
      expect(httpBodyBudgetBytes({ EASEL_HTTP_BODY_BUDGET_BYTES: bad })).toBe(HTTP_BODY_BUDGET_DEFAULT_BYTES);
    }
  });
});

/** Bytes another request holds throughout: a second release of a reader's bytes would eat into them. */
const OTHER = 100;
const CAPACITY = 4096;
const LIMIT = 8192;

let budget: BodyBudget;
let server: Server;
let url: string;
const results: BodyResult[] = [];

beforeAll(async () => {
  budget = new BodyBudget(CAPACITY);
  const app = express();
  app.post('/express', ...jsonBody(LIMIT, budget), (_req, res) => {
    res.status(200).json({ ok: true });
  });
  app.use((_err: unknown, _req: unknown, res: express.Response, _next: unknown) => {
    if (!res.headersSent) res.status(400).json({ error: 'bad' });
  });
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== '/raw') {
      app(req, res);
      return;
    }
    void readJsonBody(req, LIMIT, budget).then((result) => {
      results.push(result);
      if (result.ok) res.end('{"ok":true}');
      else if (result.failure.kind === 'busy') sendBodyBudgetBusy(res, '01ARZ3NDEKTSV4RRFFQ69G5FAV');
      else res.writeHead(400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Waits (bounded) until the budget holds `bytes`. */
async function heldReaches(bytes: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (budget.inFlightBytes !== bytes && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(budget.inFlightBytes).toBe(bytes);
}

/** Starts a POST declaring `declared` bytes and sends `sent` of them, then holds the connection open. */
async function slowUpload(path: string, declared: number, sent: number): Promise<Socket> {
  return openWith(rawPost(path, 't', Buffer.alloc(sent, 0x20), { 'content-length': String(declared) }));
}

/** A connection that has sent `bytes` and stays open. */
async function openWith(bytes: Buffer): Promise<Socket> {
  const { port } = new URL(url);
  const socket = connect({ port: Number(port), host: '127.0.0.1' });
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(bytes);
  return socket;
}

/** A chunked POST sending one chunk of `bytes` spaces; `end` adds the last chunk. */
function chunked(path: string, bytes: number, end: boolean): Buffer {
  const data = ' '.repeat(bytes - 2);
  const body = `${bytes.toString(16)}\r\n{}${data}\r\n${end ? '0\r\n\r\n' : ''}`;
  const close: Record<string, string> = end ? { connection: 'close' } : {};
  return rawPost(path, 't', body, { 'content-length': '', 'transfer-encoding': 'chunked', ...close });
}

describe.each(['/raw', '/express'])('a body read on %s under a BodyBudget', (path) => {
  it('[CONTRACT 3] holds its bytes while it is received and releases them once when it is answered or aborted', async () => {
    expect(budget.tryReserve(OTHER)).toBe(true);
    try {
      const body = `{"a":"${'x'.repeat(1000)}"}`;
      const done = await rawExchange(url, [rawPost(path, 't', body, { connection: 'close' })], 5000);
      expect(done.responses.map((r) => r.status)).toEqual([200]);
      await heldReaches(OTHER);

      const slow = await slowUpload(path, 3000, 1500);
      await heldReaches(OTHER + 3000);
      slow.destroy();
      await heldReaches(OTHER);
    } finally {
      budget.release(OTHER);
    }
    expect(budget.inFlightBytes).toBe(0);
  });

  it('[CONTRACT 3] a body that would go over the budget is 503 unavailable with Retry-After, closed; the budget is left as it was', async () => {
    const slow = await slowUpload(path, 3000, 1000);
    try {
      await heldReaches(3000);
      const body = `{"a":"${'x'.repeat(2000)}"}`;
      const refused = await rawExchange(url, [rawPost(path, 't', body)], 5000);
      expect(refused.responses.map((r) => r.status)).toEqual([503]);
      const answer = refused.responses[0]!;
      expect(answer.headers['retry-after']).toBe('1');
      expect(answer.headers.connection).toBe('close');
      expect(refused.closedByServer).toBe(true);
      expect(JSON.parse(answer.body).error).toMatchObject({ code: 'unavailable', message: BODY_BUDGET_BUSY });
      await heldReaches(3000);
    } finally {
      slow.destroy();
    }
    await heldReaches(0);
    const after = await rawExchange(url, [rawPost(path, 't', '{"a":1}', { connection: 'close' })], 5000);
    expect(after.responses.map((r) => r.status)).toEqual([200]);
    await heldReaches(0);
  });

  it('[CONTRACT 3] a chunked body holds what arrived (Express: the route limit); another is refused; released on abort', async () => {
    const slow = await openWith(chunked(path, 1500, false));
    try {
      await heldReaches(path === '/raw' ? 1500 : LIMIT);
      const refused = await rawExchange(url, [chunked(path, 3000, true)], 5000);
      expect(refused.responses.map((r) => r.status)).toEqual([503]);
      expect(refused.responses[0]?.headers['retry-after']).toBe('1');
    } finally {
      slow.destroy();
    }
    await heldReaches(0);
    const whole = await rawExchange(url, [chunked(path, 3000, true)], 5000);
    expect(whole.responses.map((r) => r.status)).toEqual([200]);
    await heldReaches(0);
  });
});
