import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CanvasTransport } from './CanvasTransport.ts';
import type { ConnectionStatus } from './connection/ConnectionMachine.ts';
import { TEST_SCOPE, cursorOf, readyFrame } from './testing/frames.ts';
import { type ScriptedServer, answerJson, openSse, startScriptedServer } from './testing/scriptedServer.ts';

// A connected transport whose gateway is unreachable (a real port where nothing listens: every
// connection is refused at once). Its stream keeps retrying and never opens, so a wait that ends only
// when the stream opens would never end. Every wait here must end on its own bound, with a typed error.

/** A port on 127.0.0.1 where nothing listens (bound, then closed). */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** `promise`, or `'still waiting'` after `ms` of real time (the test's own bound). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still waiting'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<'still waiting'>((resolve) => {
    timer = setTimeout(() => resolve('still waiting'), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

const TIERS = [
  { name: 'fast', ms: 20 },
  { name: 'cap', ms: 40 },
];

let transports: CanvasTransport[] = [];
let servers: ScriptedServer[] = [];

afterEach(async () => {
  for (const t of transports) t.close();
  for (const s of servers) await s.close();
  transports = [];
  servers = [];
});

async function unreachable(requestTimeoutMs = 400) {
  const port = await refusedPort();
  const posts: string[] = [];
  let posted: () => void = () => undefined;
  const firstPost = new Promise<void>((resolve) => {
    posted = resolve;
  });
  const statuses: ConnectionStatus[] = [];
  const transport = new CanvasTransport({
    baseUrl: `http://127.0.0.1:${port}`,
    token: 'tok',
    scope: TEST_SCOPE,
    paintFirst: false,
    tiers: TIERS,
    commandAttempts: 3,
    // Also how long after it was sent a command may wait for the stream to come back.
    requestTimeoutMs,
    // The real fetch over real sockets; the command bodies are recorded on the way.
    fetch: (input, init) => {
      if (init?.method === 'POST') {
        posts.push(String(init.body));
        posted();
      }
      return globalThis.fetch(input, init);
    },
  });
  transports.push(transport);
  transport.onStatus((s) => statuses.push(s));
  return { transport, posts, statuses, port, firstPost };
}

describe('CanvasTransport, connected, gateway unreachable (real sockets)', () => {
  it('[CONTRACT 5] a command waits for the stream until its request timeout, then ends with network after its attempts, all under one command_id', async () => {
    const { transport, posts, statuses } = await unreachable();
    transport.connect();
    const result = await within(transport.setToken('plan.title', 'x', { commandId: 'c-unreachable' }), 5_000);
    expect(result).not.toBe('still waiting');
    expect(result).toMatchObject({ ok: false, error: { code: 'network', message: /POST \/v1\/commands/ } });
    expect(posts.map((p) => JSON.parse(p).command_id)).toEqual(['c-unreachable', 'c-unreachable', 'c-unreachable']);
    // The stream was retrying all along (the case the command used to wait on forever).
    expect(statuses).toContain('reconnecting');
    expect(statuses).not.toContain('open');
    // The app may re-send it later under the same id: it is tried again, and ends the same way.
    const again = await within(transport.setToken('plan.title', 'x', { commandId: 'c-unreachable' }), 5_000);
    expect(again).toMatchObject({ ok: false, error: { code: 'network' } });
    expect(posts).toHaveLength(6);
  });

  it('[CONTRACT 5] a gateway that comes up within the request timeout gets the command once the stream opens, same command_id', async () => {
    const { transport, posts, port, firstPost } = await unreachable(10_000);
    transport.connect();
    const pending = transport.setToken('plan.title', 'x', { commandId: 'c-later' });
    await within(firstPost, 5_000);
    const server = await startScriptedServer(port);
    servers.push(server);
    openSse(await server.next('/v1/canvases/')).write(readyFrame({ cursor: cursorOf(1) }));
    answerJson(await server.next('/v1/commands'), 200, { status: 'committed', cursor: cursorOf(2), revision: 1 });
    const sent = await within(pending, 5_000);
    expect(sent).toMatchObject({ ok: true, value: { commandId: 'c-later', status: 'committed' } });
    expect(new Set(posts.map((p) => JSON.parse(p).command_id))).toEqual(new Set(['c-later']));
  });

  it('[CONTRACT 4] ready() and awaitCursor() end on their timeouts with timeout, ready() naming the last failure', async () => {
    const { transport } = await unreachable();
    transport.connect();
    const [ready, waited] = await Promise.all([
      within(transport.ready({ timeoutMs: 300 }), 5_000),
      within(transport.awaitCursor(cursorOf(1), { timeoutMs: 300 }), 5_000),
    ]);
    expect(ready).toMatchObject({ ok: false, error: { code: 'timeout', message: /no CANVAS_READY in time \(.+\)/ } });
    expect(waited).toMatchObject({ ok: false, error: { code: 'timeout' } });
  });

  it('close() ends a command retrying against the unreachable gateway with closed', async () => {
    const { transport } = await unreachable();
    transport.connect();
    const pending = transport.setToken('plan.title', 'x');
    transport.close();
    const result = await within(pending, 5_000);
    expect(result).toMatchObject({ ok: false, error: { code: 'closed' } });
  });
});
