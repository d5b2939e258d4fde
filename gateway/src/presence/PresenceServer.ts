import { type IncomingMessage, type Server, ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ERROR_CODES, type ErrorCode, PRESENCE_CLOSE_REASONS, type PresenceCloseReason } from '@easel/schemas';
import {
  type afterLoadDocumentPayload,
  type connectedPayload,
  type Extension,
  Hocuspocus,
  type onAuthenticatePayload,
  type onDisconnectPayload,
} from '@hocuspocus/server';
import type pino from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { fastUlid as ulid } from '../core/ids/fastUlid.ts';
import type { ClientIdClaimer } from './ClientIdClaimer.ts';
import { ClientIdClaims } from './ClientIdClaims.ts';
import { coalesceAwareness } from './coalesceAwareness.ts';
import { PRESENCE_PATH } from './presenceDocument.ts';
import type { PresenceMetrics } from './presenceMetrics.ts';
import { type PresenceSession, PresenceSessions } from './PresenceSessions.ts';
import type { PresenceTickets } from './PresenceTickets.ts';
import { type GuardLimits, SocketGuard } from './SocketGuard.ts';
import type { TicketRecord } from './TicketStore.ts';

/** Options of {@link PresenceServer}. */
export interface PresenceServerOptions {
  tickets: PresenceTickets;
  /** Subscribes to lens policy changes (`GatewayCore.onLensChanged`): sessions are re-checked. */
  onLensChanged(listener: (partition: string) => void): () => void;
  logger?: pino.Logger;
  metrics?: PresenceMetrics;
  /** Hocuspocus extensions, e.g. the Redis extension across nodes. */
  extensions?: Extension[];
  /** Per-connection limits (awareness rate, message budget, documents per socket). */
  limits?: GuardLimits;
  /**
   * Close a socket that has no authenticated document for this long, ms: one that never
   * authenticated, and one whose documents all closed (detached, or closed by Hocuspocus).
   * Default 10 000.
   */
  authTimeoutMs?: number;
  /**
   * Most bytes queued to one socket (it does not read: a frozen tab, a hostile client); more
   * and it is cut (`terminate`; counted as `slow_consumer`). Default 8 MiB.
   */
  maxBufferedBytes?: number;
  /** Largest WebSocket message, bytes. Default 512 KiB (an awareness state with a large selection). */
  maxPayloadBytes?: number;
  /** Most open presence sockets per node; more are answered 503. Default 10 000. */
  maxSockets?: number;
  /**
   * Which actor each awareness client id is bound to: shared by the nodes through Redis in
   * scale-out (`RedisClientIdClaims`). Default this node's own {@link ClientIdClaims}.
   */
  claims?: ClientIdClaimer;
}

interface DocumentContext {
  guard: SocketGuard;
  socket: WebSocket;
  /** (Re)starts the socket's countdown to being closed for having no authenticated document. */
  armIdle: () => void;
  record?: TicketRecord;
  session?: PresenceSession;
}

/**
 * Presence over WebSocket (contract §7): Hocuspocus behind `/v1/presence` on the gateway's HTTP
 * server (attached to its `upgrade` event). Every document is authenticated by a single-use
 * ticket and is read-only; each socket's messages pass a {@link SocketGuard} first (awareness
 * checked against the ticket's actor and rate-limited). Connections close when the actor's lens
 * no longer shows the canvas, and when the token of their ticket expires.
 */
export class PresenceServer {
  readonly hocuspocus: Hocuspocus;
  readonly sessions: PresenceSessions;
  readonly #options: PresenceServerOptions;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<WebSocket>();
  readonly #claims: ClientIdClaimer;
  readonly #offLens: () => void;
  readonly #attached = new Map<Server, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>();
  #closing: Promise<void> | null = null;
  #warnedCoalesce = false;

  constructor(options: PresenceServerOptions) {
    this.#options = options;
    this.#claims = options.claims ?? new ClientIdClaims();
    this.sessions = new PresenceSessions({ allows: (record) => options.tickets.allows(record) });
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes ?? 512 * 1024,
      perMessageDeflate: false,
    });
    this.hocuspocus = new Hocuspocus({
      quiet: true,
      extensions: [...(options.extensions ?? [])],
      onAuthenticate: (data) => this.#authenticate(data),
      afterLoadDocument: async (data) => this.#loaded(data),
      connected: async (data) => this.#connected(data),
      onDisconnect: async (data) => this.#disconnected(data),
    });
    options.metrics?.observe(() => ({ sessions: this.sessions.size, documents: this.hocuspocus.documents.size }));
    this.#offLens = options.onLensChanged((partition) => {
      this.sessions.recheck(partition).catch((err: unknown) => {
        options.logger?.warn({ err, partition }, 'presence: re-checking sessions after a lens change failed');
      });
    });
  }

  /** Open presence sockets on this node. */
  get socketCount(): number {
    return this.#sockets.size;
  }

  /** Serves `/v1/presence` on `server`'s upgrade requests (other paths are answered 404). */
  attach(server: Server): void {
    if (this.#attached.has(server)) return;
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(server, req, socket, head);
    this.#attached.set(server, onUpgrade);
    server.on('upgrade', onUpgrade);
  }

  /** Closes every socket (code 1012 `shutdown`: clients reconnect, maybe elsewhere), then Hocuspocus. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#offLens();
      for (const [server, onUpgrade] of this.#attached) server.off('upgrade', onUpgrade);
      this.#attached.clear();
      this.sessions.closeAll('shutdown');
      const sockets = [...this.#sockets];
      for (const socket of sockets) closeSocket(socket, 'shutdown');
      await Promise.race([
        Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())))),
        new Promise<void>((resolve) => setTimeout(resolve, 1000).unref()),
      ]);
      for (const socket of this.#sockets) socket.terminate();
      await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
      await this.hocuspocus.hooks('onDestroy', { instance: this.hocuspocus }).catch((err: unknown) => {
        this.#options.logger?.warn({ err }, 'presence: an extension failed to stop');
      });
    })();
    return this.#closing;
  }

  #upgrade(server: Server, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (!/^websocket$/i.test(req.headers.upgrade ?? '')) {
      // Another protocol (`curl --http2` asks for h2c): ignore the Upgrade, as RFC 9110 §7.8 allows.
      if (server.listenerCount('upgrade') === 1) serveWithoutUpgrade(server, req, socket);
      return;
    }
    if (path !== PRESENCE_PATH) {
      // Another upgrade listener may serve it; answer only when this is the only one.
      if (server.listenerCount('upgrade') === 1) refuseUpgrade(socket, 'not_found', `no WebSocket endpoint at ${path}`);
      return;
    }
    if (this.#closing) refuseUpgrade(socket, 'unavailable', 'the gateway is shutting down; reconnect');
    else if (this.#sockets.size >= (this.#options.maxSockets ?? 10_000)) {
      refuseUpgrade(socket, 'unavailable', 'this gateway node has no room for more presence connections');
    } else this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, req));
  }

  #accept(ws: WebSocket, req: IncomingMessage): void {
    const metrics = this.#options.metrics;
    const emit = ws.emit;
    const guard = new SocketGuard({
      deliver: (data) => emit.call(ws, 'message', data, true),
      liveStates: (document) => this.hocuspocus.documents.get(document)?.awareness.getStates(),
      claims: this.#claims,
      close: (reason) => {
        metrics?.closed(reason);
        closeSocket(ws, reason);
      },
      ...(metrics ? { count: (outcome) => metrics.message(outcome) } : {}),
      ...(this.#options.limits ? { limits: this.#options.limits } : {}),
    });
    // Every frame passes the guard before Hocuspocus sees it (Hocuspocus re-emits frames it
    // queued during authentication: the guard recognizes those it checked already).
    // Pings (which `ws` answers with a pong by itself) and pongs take from the guard's message budget.
    ws.emit = function guardedEmit(this: WebSocket, event: string | symbol, ...args: unknown[]): boolean {
      if (event !== 'message') {
        if (event === 'ping' || event === 'pong') guard.control();
        return emit.call(this, event, ...args);
      }
      const data = asBytes(args[0]);
      if (data !== null) guard.handle(data);
      return true;
    } as WebSocket['emit'];
    // A socket that does not read: what is queued to it is bounded (Hocuspocus sends regardless).
    const maxBuffered = this.#options.maxBufferedBytes ?? 8 * 1024 * 1024;
    const send = ws.send;
    const checkBuffered = () => {
      if (ws.bufferedAmount <= maxBuffered || ws.readyState === ws.CLOSED) return;
      metrics?.closed('slow_consumer');
      guard.dispose();
      ws.terminate();
    };
    ws.send = function boundedSend(this: WebSocket, ...args: Parameters<WebSocket['send']>): void {
      send.apply(this, args);
      checkBuffered();
    } as WebSocket['send'];
    ws.on('ping', checkBuffered);
    this.#sockets.add(ws);
    metrics?.sockets(1);
    // Closes the socket when it has had no authenticated document for `authTimeoutMs`: from its
    // opening, and again from the moment its last document closed (see `#disconnected`).
    const idleMs = this.#options.authTimeoutMs ?? 10_000;
    let idleTimer: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idleTimer);
      if (ws.readyState === ws.CLOSED) return;
      idleTimer = setTimeout(() => {
        if (guard.authorized) return;
        metrics?.closed('unauthenticated');
        closeSocket(ws, 'unauthenticated');
      }, idleMs);
      idleTimer.unref();
    };
    armIdle();
    ws.once('close', () => {
      clearTimeout(idleTimer);
      guard.dispose();
      this.#sockets.delete(ws);
      metrics?.sockets(-1);
    });
    ws.on('error', () => {});
    const context: Omit<DocumentContext, 'record' | 'session'> = { guard, socket: ws, armIdle };
    this.hocuspocus.handleConnection(ws, req, context);
  }

  /** Hocuspocus's authentication: the token is a ticket. Throws `{reason}` to refuse. */
  async #authenticate(data: onAuthenticatePayload): Promise<Partial<DocumentContext>> {
    const context = data.context as DocumentContext;
    const redeemed = await this.#options.tickets.redeem(data.token, data.documentName);
    this.#options.metrics?.authentication(redeemed.ok ? 'accepted' : redeemed.reason);
    if (!redeemed.ok) {
      if (!context.guard.refuse(data.documentName)) {
        // After Hocuspocus sent the refusal: the client reconnects with a fresh ticket.
        setImmediate(() => closeSocket(context.socket, 'refused'));
      }
      // A value without `message`: Hocuspocus sends `reason` to the client and logs nothing.
      throw { reason: redeemed.reason };
    }
    const record = redeemed.value;
    data.connectionConfig.readOnly = true;
    context.guard.authorize(data.documentName, { actorId: record.actorId, kind: record.kind });
    return { record };
  }

  /** A document was loaded: its awareness is broadcast coalesced, once per event-loop turn. */
  #loaded(data: afterLoadDocumentPayload): void {
    if (coalesceAwareness(data.document) || this.#warnedCoalesce) return;
    this.#warnedCoalesce = true;
    this.#options.logger?.warn('presence: Hocuspocus changed; awareness is broadcast without coalescing');
  }

  #connected(data: connectedPayload): void {
    const context = data.context as DocumentContext;
    const record = context.record;
    if (record === undefined) return;
    const { connection, documentName } = data;
    const session: PresenceSession = {
      record,
      close: (reason) => {
        this.#options.metrics?.closed(reason);
        const { code } = PRESENCE_CLOSE_REASONS[reason];
        connection.close({ code, reason });
        context.guard.forget(documentName);
        if (!context.guard.authorized) closeSocket(context.socket, reason);
      },
    };
    context.session = session;
    this.sessions.add(session);
    // A lens change between the ticket check and now would have found no session to close.
    void this.sessions.check(session);
  }

  #disconnected(data: onDisconnectPayload): void {
    const context = data.context as DocumentContext;
    if (context.session) this.sessions.remove(context.session);
    context.guard?.forget(data.documentName);
    // Its last document closed (detached, or closed by Hocuspocus): a socket serving nothing goes.
    if (context.guard && !context.guard.authorized) context.armIdle();
  }
}

/** Closes a socket with the reason's code; cuts it if the close handshake does not finish. */
function closeSocket(ws: WebSocket, reason: PresenceCloseReason): void {
  if (ws.readyState === ws.CLOSED) return;
  const { code } = PRESENCE_CLOSE_REASONS[reason];
  if (ws.readyState !== ws.CLOSING) ws.close(code, reason);
  setTimeout(() => {
    if (ws.readyState !== ws.CLOSED) ws.terminate();
  }, 2000).unref();
}

/**
 * A request that asked to upgrade to another protocol than WebSocket, answered as plain HTTP/1.1
 * by `server`'s request listener (node hands every request with `Connection: upgrade` to the
 * `upgrade` event instead), then closed. Its body has not been read by node's parser: only
 * bodiless GET and HEAD are served, anything else is refused with a contract §3 error.
 */
function serveWithoutUpgrade(server: Server, req: IncomingMessage, socket: Duplex): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    refuseUpgrade(
      socket,
      'validation_failed',
      `Upgrade: ${req.headers.upgrade} is not served here (only websocket at ${PRESENCE_PATH}); send the request without Upgrade and Connection: upgrade`,
    );
    return;
  }
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  const done = () => {
    res.detachSocket(socket as Socket);
    socket.end();
  };
  res.once('finish', done);
  res.once('close', () => socket.destroy());
  server.emit('request', req, res);
}

/** Answers an upgrade request with a contract §3 error and closes the socket. */
function refuseUpgrade(socket: Duplex, code: ErrorCode, message: string): void {
  const status = ERROR_CODES[code].status;
  const requestId = ulid();
  const body = JSON.stringify({ error: { code, message, request_id: requestId } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** A `ws` message as bytes (it may arrive as a Buffer, an ArrayBuffer or fragments). */
function asBytes(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return null;
}
