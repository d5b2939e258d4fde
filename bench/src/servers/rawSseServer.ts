/**
 * Baseline (a): the practical limit of SSE on node:http. `GET /events` subscribes; `POST /publish`
 * takes a ~200 B JSON body, wraps it once into a pre-serialized frame and appends it to every
 * subscriber's pending string; one `setImmediate` per event-loop tick flushes each socket with a
 * single write (coalesced per socket per tick). No durability, no filtering, no parsing.
 *
 * Run as its own process: `node --import tsx bench/src/servers/rawSseServer.ts --port 0`.
 */
import http from 'node:http';
import { exitOnSignals, portFromArgv, readBody } from './serverArgs.ts';

interface Subscriber {
  res: http.ServerResponse;
  pending: string;
}

/** Disconnect a subscriber whose unsent bytes pass this mark (a slow reader must not hold memory). */
const HIGH_WATER_BYTES = 8 * 1024 * 1024;

const subscribers = new Set<Subscriber>();
let seq = 0;
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  for (const sub of subscribers) {
    if (sub.pending.length === 0) continue;
    const chunk = sub.pending;
    sub.pending = '';
    sub.res.write(chunk);
    if (sub.res.writableLength > HIGH_WATER_BYTES) {
      subscribers.delete(sub);
      sub.res.destroy();
    }
  }
}

function publish(data: string): number {
  seq += 1;
  const frame = `id: ${seq}\nevent: token_patch\ndata: ${data}\n\n`;
  for (const sub of subscribers) sub.pending += frame;
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
  return seq;
}

const server = http.createServer(async (req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/events') {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.flushHeaders();
    const sub: Subscriber = { res, pending: '' };
    subscribers.add(sub);
    res.on('close', () => subscribers.delete(sub));
    return;
  }
  if (req.method === 'POST' && path === '/publish') {
    const body = await readBody(req);
    if (body === null || body.length === 0 || body.includes('\n')) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad body"}');
      return;
    }
    const id = publish(body);
    res.writeHead(200, { 'content-type': 'application/json' }).end(`{"ok":true,"seq":${id}}`);
    return;
  }
  if (path === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(`{"subscribers":${subscribers.size}}`);
    return;
  }
  res.writeHead(404).end();
});

server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.requestTimeout = 0;
server.maxConnections = 100_000;
setInterval(() => {
  for (const sub of subscribers) sub.pending += ': keep-alive\n\n';
  if (!flushScheduled && subscribers.size > 0) {
    flushScheduled = true;
    setImmediate(flush);
  }
}, 15_000).unref();

server.listen(portFromArgv(process.argv), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(`listening on http://127.0.0.1:${port}`);
});
exitOnSignals(() => server.close());
