/**
 * Baseline (b): Hocuspocus 3.4 broadcasting the same updates as Yjs over WebSocket.
 * `POST /publish` takes the same ~200 B JSON body and applies it as one `Y.Map.set` on the
 * server-side document (kept loaded by a direct connection); Hocuspocus encodes the update once
 * and sends it to every connected client. WebSocket clients connect on any path with document
 * name {@link DOCUMENT_NAME}; no authentication hook is configured.
 *
 * Run as its own process: `node --import tsx bench/src/servers/hocuspocusServer.ts --port 0`.
 */
import http from 'node:http';
import { Hocuspocus } from '@hocuspocus/server';
import { WebSocketServer } from 'ws';
import { DOCUMENT_NAME } from './hocuspocusDocument.ts';
import { exitOnSignals, portFromArgv, readBody } from './serverArgs.ts';

const hocuspocus = new Hocuspocus({ quiet: true, debounce: 2000 });
const direct = await hocuspocus.openDirectConnection(DOCUMENT_NAME);
const document = direct.document!;
const tokens = document.getMap<string>('tokens');
let seq = 0;

const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (ws, request) => {
  hocuspocus.handleConnection(ws, request);
});

const server = http.createServer(async (req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'POST' && path === '/publish') {
    const body = await readBody(req);
    let tokenId: unknown;
    try {
      tokenId = body === null ? undefined : (JSON.parse(body) as { token_id?: unknown }).token_id;
    } catch {
      tokenId = undefined;
    }
    if (typeof tokenId !== 'string' || body === null) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad body"}');
      return;
    }
    tokens.set(tokenId, body);
    seq += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(`{"ok":true,"seq":${seq}}`);
    return;
  }
  if (path === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(`{"documents":${hocuspocus.getDocumentsCount()}}`);
    return;
  }
  res.writeHead(404).end();
});
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.requestTimeout = 0;

server.listen(portFromArgv(process.argv), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(`listening on http://127.0.0.1:${port}`);
});
exitOnSignals(() => server.close());
