import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the scripted server received (its body read whole). */
export interface ScriptedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly res: ServerResponse;
  /** Which request this is (0 = first), over every path. */
  readonly index: number;
}

/** A real HTTP server on 127.0.0.1 whose answers a test writes by hand (hostile-gateway tests). */
export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: readonly ScriptedRequest[];
  /** The next request whose path starts with `pathPrefix` not yet taken (bounded wait, real time). */
  next(pathPrefix: string, timeoutMs?: number): Promise<ScriptedRequest>;
  /** Destroys every open socket and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a server (on `port`, default any free one) where every request waits in a queue until the test takes it with `next()` and
 * answers on `res` (or never does: a hanging answer). A request nobody takes stays open until
 * `close()`, which destroys every socket, so a test never leaks a connection.
 */
export async function startScriptedServer(port = 0): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = [];
  const taken = new Set<ScriptedRequest>();
  const waiters = new Set<{ prefix: string; take: (r: ScriptedRequest) => void }>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: ScriptedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        res,
        index: requests.length,
      };
      requests.push(request);
      for (const waiter of waiters) {
        if (!request.url.startsWith(waiter.prefix)) continue;
        waiters.delete(waiter);
        taken.add(request);
        waiter.take(request);
        return;
      }
    });
    // A client that goes away mid-answer is expected here: the test decides what happens next.
    res.on('error', () => undefined);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    next(prefix, timeoutMs = 3_000) {
      const ready = requests.find((r) => !taken.has(r) && r.url.startsWith(prefix));
      if (ready) {
        taken.add(ready);
        return Promise.resolve(ready);
      }
      return new Promise<ScriptedRequest>((resolve, reject) => {
        const waiter = {
          prefix,
          take: (r: ScriptedRequest) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no request for ${prefix} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Starts an SSE answer (200, `text/event-stream`, headers flushed); write frames with `res.write`. */
export function openSse(request: ScriptedRequest): ServerResponse {
  request.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  request.res.flushHeaders();
  return request.res;
}

/** Answers JSON with `status` (and extra headers). */
export function answerJson(
  request: ScriptedRequest,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  request.res.writeHead(status, { 'content-type': 'application/json', ...headers });
  request.res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
