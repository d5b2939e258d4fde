import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { CLIENT_CLOSED } from '../core/fanout/FanoutStream.ts';
import { httpChunk, type SharedBatch } from '../core/fanout/SharedBatch.ts';
import type { StreamSink } from '../core/fanout/StreamSink.ts';
import type { FlushScheduler } from './FlushScheduler.ts';

/** Headers of every SSE response: sent at once, before the first event (contract §4). */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-store, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
});

/**
 * `EASEL_SSE_DIRECT_WRITES=0` turns the direct chunk writes off (see `directSocket`), for
 * comparing both paths in one bench run.
 */
const DIRECT_WRITES = process.env.EASEL_SSE_DIRECT_WRITES !== '0';

/** Pending text past which a sink writes to its socket at once instead of at the end of the turn. */
const EAGER_FLUSH_CHARS = 64 * 1024;

/**
 * {@link StreamSink} over a Node HTTP response.
 *
 * Why not better-sse's `Session.push`: it always writes an `id:` line (a random UUID when none
 * is given), which would overwrite the client's Last-Event-ID on telemetry and CANVAS_READY
 * frames; it runs every payload through its serializer and sanitizer per session, which
 * defeats serializing once per lens view; and it ignores write backpressure. Fan-out already
 * produces exact, spec-compliant frames (`core/fanout/sseFrames.ts`), so they are written to
 * the response verbatim, coalesced per socket per event-loop turn by {@link FlushScheduler}.
 * The header set follows better-sse's (`Connection.constants.RESPONSE_HEADERS`).
 *
 * Byte accounting: `bufferedBytes()` = text queued for this turn + `res.writableLength`
 * (bytes Node holds because the socket would block). Per delivery only the pending text grows:
 * `res.writableLength` only grows through this sink's own `res.write` (read right after it)
 * and only shrinks otherwise, so it is cached and re-read only while it is non-zero (a healthy
 * reader's socket takes each write at once, so the hot path never touches the response).
 *
 * Headers are written by the first `write`, so the route can still answer a JSON error when
 * opening the stream fails before anything was written.
 */
export class ResponseSink implements StreamSink {
  private pending = '';
  /** Shared mode: the queued text is `shared.text.slice(sharedStart, sharedEnd)` (and `pending` is ''). */
  private shared: SharedBatch | null = null;
  private sharedStart = 0;
  private sharedEnd = 0;
  private marked = false;
  private ended = false;
  /** Headers were written (a plain field: `res.headersSent` is a getter). */
  private headWritten = false;
  /** Last read of `res.writableLength` (an upper bound; exact when 0). */
  private socketBytes = 0;
  private destroyTimer: NodeJS.Timeout | null = null;
  /** The pending {@link drained} promise, shared by its waiters. */
  private drainWait: Promise<void> | null = null;
  /** Extra headers, until they are written. */
  private headers: Record<string, string> | undefined;
  private readonly highWaterMark: number;
  private readonly lingerMs: number;
  /** The client closed the connection (or the response ended). */
  clientGone = false;
  /** Called once when the connection closes (the route closes the stream with it). */
  onClientGone: ((reason: string) => void) | null = null;

  constructor(
    private readonly res: ServerResponse,
    private readonly scheduler: FlushScheduler,
    options: {
      /** `write` returns false past this many buffered bytes. Default 64 KiB. */
      highWaterMark?: number;
      /** After close, the socket is destroyed if the client has not taken the rest within this, ms. Default 5000. */
      lingerMs?: number;
      /** Extra headers (e.g. x-request-id). */
      headers?: Record<string, string>;
    } = {},
  ) {
    this.headers = options.headers;
    this.highWaterMark = options.highWaterMark ?? 64 * 1024;
    this.lingerMs = options.lingerMs ?? 5000;
    res.once('close', this.onClose);
  }

  private readonly onClose = (): void => {
    this.ended = true;
    this.clientGone = true;
    this.pending = '';
    this.shared = null;
    this.socketBytes = 0;
    if (this.destroyTimer) clearTimeout(this.destroyTimer);
    const gone = this.onClientGone;
    this.onClientGone = null;
    gone?.(CLIENT_CLOSED);
  };

  /** True once anything (headers included) was sent. */
  get started(): boolean {
    return this.res.headersSent;
  }

  write(chunk: string): boolean {
    if (this.ended) return false;
    if (!this.headWritten) {
      if (this.res.destroyed) return false;
      this.writeHead();
    }
    if (this.shared !== null) this.unshare();
    this.pending += chunk;
    return this.queued();
  }

  writeShared(batch: SharedBatch, frame: string): boolean {
    if (this.ended) return false;
    if (!this.headWritten) {
      if (this.res.destroyed) return false;
      this.writeHead();
    }
    const end = batch.text.length;
    const start = end - frame.length;
    if (this.shared === batch && this.sharedEnd === start) this.sharedEnd = end;
    else if (this.shared === null && this.pending === '') {
      this.shared = batch;
      this.sharedStart = start;
      this.sharedEnd = end;
    } else {
      if (this.shared !== null) this.unshare();
      this.pending += frame;
    }
    return this.queued();
  }

  /**
   * Writes `bytes` (already encoded: a cached CANVAS_READY snapshot) after what is queued: the
   * queued text goes first, then the bytes as their own chunk, without a copy.
   */
  writeBytes(bytes: Uint8Array): boolean {
    if (this.ended) return false;
    if (!this.headWritten) {
      if (this.res.destroyed) return false;
      this.writeHead();
    }
    this.flush();
    if (this.res.destroyed) return false;
    const socket = this.directSocket();
    if (socket !== null) {
      socket.cork();
      socket.write(`${bytes.length.toString(16)}\r\n`, 'latin1');
      socket.write(bytes);
      socket.write('\r\n', 'latin1');
      socket.uncork();
    } else this.res.write(bytes);
    this.socketBytes = this.res.writableLength;
    return this.bufferedBytesBound() <= this.highWaterMark || this.bufferedBytes() <= this.highWaterMark;
  }

  /** Shared text becomes this sink's own pending text (something else is written after it). */
  private unshare(): void {
    const shared = this.shared as SharedBatch;
    this.pending = shared.text.slice(this.sharedStart, this.sharedEnd) + this.pending;
    this.shared = null;
  }

  private queued(): boolean {
    if (this.pendingChars() >= EAGER_FLUSH_CHARS) {
      // A burst: hand it to the socket now, so the budget measures what the client has not
      // taken (res.writableLength), not what this turn produced.
      this.flush();
    } else if (!this.marked) {
      this.marked = true;
      this.scheduler.mark(this);
    }
    return this.bufferedBytesBound() <= this.highWaterMark || this.bufferedBytes() <= this.highWaterMark;
  }

  private pendingChars(): number {
    return this.shared === null ? this.pending.length : this.sharedEnd - this.sharedStart;
  }

  private writeHead(): void {
    this.headWritten = true;
    if (this.res.headersSent) return;
    this.res.writeHead(200, { ...SSE_HEADERS, ...this.headers });
    this.headers = undefined;
    this.res.flushHeaders();
    this.res.socket?.setNoDelay(true);
    this.socketBytes = this.res.writableLength;
  }

  flush(): void {
    if (this.ended) return;
    const shared = this.shared;
    if (shared !== null) {
      this.shared = null;
      if (this.res.destroyed) return;
      const socket = this.directSocket();
      if (socket !== null) socket.write(shared.chunk(this.sharedStart, this.sharedEnd));
      else this.res.write(shared.bytes(this.sharedStart, this.sharedEnd));
      this.socketBytes = this.res.writableLength;
      return;
    }
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    if (this.res.destroyed) return;
    const socket = this.directSocket();
    if (socket !== null) socket.write(httpChunk(Buffer.from(text)));
    else this.res.write(text);
    this.socketBytes = this.res.writableLength;
  }

  /**
   * The socket to write whole chunks to, bypassing `res.write`; null: use `res.write`.
   *
   * Why: `res.write` on a chunked response corks the socket, queues the size line, the data and
   * the CRLF as three chunks and uncorks in a `nextTick` (one `writev` of three buffers, a write
   * request and a tick per subscriber per flush). Fan-out writes every subscriber's socket once
   * per flush, and that path was ≈ 40 % of the event loop at N = 100 (PERF-NOTES issue 2): one
   * pre-framed buffer per flush (shared by the group, see `SharedBatch.chunk`) is ≈ 20 % less
   * CPU per write. The bytes on the wire are the same.
   *
   * Only while the response is the socket's current message, chunked, with its headers written
   * and nothing of its own queued (`outputSize` 0), so the direct chunk cannot overtake
   * anything `res` still holds; otherwise (and for `res.end()`, which writes the last chunk)
   * the response writes as before.
   */
  private directSocket(): Socket | null {
    const res = this.res;
    const socket = res.socket;
    if (
      !DIRECT_WRITES ||
      socket === null ||
      !res.chunkedEncoding ||
      (res as ServerResponse & { outputSize?: number }).outputSize !== 0 ||
      res.writableEnded ||
      (socket as Socket & { _httpMessage?: unknown })._httpMessage !== res
    )
      return null;
    return socket;
  }

  /** Called by the scheduler at the end of the turn. */
  flushScheduled(): void {
    this.marked = false;
    this.flush();
  }

  /** `bufferedBytes()` without reading the socket: the socket's figure as last read (it only shrinks since). */
  bufferedBytesBound(): number {
    return this.pendingChars() + this.socketBytes;
  }

  bufferedBytes(): number {
    // pending is ASCII-dominated JSON: its length is a close, cheap estimate of its bytes
    if (this.socketBytes !== 0) this.socketBytes = this.res.writableLength;
    return this.pendingChars() + this.socketBytes;
  }

  /**
   * Resolves once the response took everything queued (its `'drain'`, or at once when the
   * socket did not push back), or closed. One promise is shared by all waiters until then, so
   * a waiter that gives up (a replay re-checking on a timer) leaves no listener behind.
   */
  drained(): Promise<void> {
    if (this.ended || this.res.destroyed) return Promise.resolve();
    if (this.pendingChars() === 0 && !this.needsDrain()) return Promise.resolve();
    if (this.drainWait !== null) return this.drainWait;
    let settled = false;
    // Direct chunks (see directSocket) push back on the socket, not on the response.
    const socket = this.res.socket;
    const wait = new Promise<void>((resolve) => {
      const done = () => {
        if (settled) return;
        settled = true;
        this.res.off('drain', done);
        this.res.off('close', done);
        socket?.off('drain', done);
        if (this.drainWait === wait) this.drainWait = null;
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
      socket?.on('drain', done);
      // pending text becomes writable on the next flush; re-check after it
      if (!this.needsDrain()) setImmediate(() => (this.needsDrain() ? undefined : done()));
    });
    if (!settled) this.drainWait = wait;
    return wait;
  }

  /** The response or (direct chunks) its socket holds more than its high-water mark. */
  private needsDrain(): boolean {
    return this.res.writableNeedDrain || this.res.socket?.writableNeedDrain === true;
  }

  close(_reason: string): void {
    if (this.ended) return;
    this.flush();
    this.ended = true;
    if (this.res.destroyed) return;
    if (!this.headWritten) this.writeHead();
    this.res.end();
    // A client that stopped reading never takes the rest: do not hold its socket forever.
    this.destroyTimer = setTimeout(() => this.res.destroy(), this.lingerMs);
    this.destroyTimer.unref();
  }
}
