import type { ServerResponse } from 'node:http';
import type { StreamSink } from '../core/fanout/StreamSink.ts';
import type { FlushScheduler } from './FlushScheduler.ts';

/** Headers of every SSE response: sent at once, before the first event (contract §4). */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-store, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
});

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
 * (bytes Node holds because the socket would block).
 *
 * Headers are written by the first `write`, so the route can still answer a JSON error when
 * opening the stream fails before anything was written.
 */
export class ResponseSink implements StreamSink {
  private pending = '';
  private marked = false;
  private ended = false;
  private destroyTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly res: ServerResponse,
    private readonly scheduler: FlushScheduler,
    private readonly options: {
      /** `write` returns false past this many buffered bytes. Default 64 KiB. */
      highWaterMark?: number;
      /** After close, the socket is destroyed if the client has not taken the rest within this, ms. Default 5000. */
      lingerMs?: number;
      /** Extra headers (e.g. x-request-id). */
      headers?: Record<string, string>;
    } = {},
  ) {
    res.once('close', () => {
      this.ended = true;
      this.pending = '';
      if (this.destroyTimer) clearTimeout(this.destroyTimer);
    });
  }

  /** True once anything (headers included) was sent. */
  get started(): boolean {
    return this.res.headersSent;
  }

  write(chunk: string): boolean {
    if (this.ended || this.res.destroyed) return false;
    if (!this.res.headersSent) this.writeHead();
    this.pending += chunk;
    if (this.pending.length >= EAGER_FLUSH_CHARS) {
      // A burst: hand it to the socket now, so the budget measures what the client has not
      // taken (res.writableLength), not what this turn produced.
      this.flush();
    } else if (!this.marked) {
      this.marked = true;
      this.scheduler.mark(this);
    }
    return this.bufferedBytes() <= (this.options.highWaterMark ?? 64 * 1024);
  }

  private writeHead(): void {
    this.res.writeHead(200, { ...SSE_HEADERS, ...this.options.headers });
    this.res.flushHeaders();
    this.res.socket?.setNoDelay(true);
  }

  flush(): void {
    if (this.pending === '' || this.ended || this.res.destroyed) return;
    const text = this.pending;
    this.pending = '';
    this.res.write(text);
  }

  /** Called by the scheduler at the end of the turn. */
  flushScheduled(): void {
    this.marked = false;
    this.flush();
  }

  bufferedBytes(): number {
    // pending is ASCII-dominated JSON: its length is a close, cheap estimate of its bytes
    return this.pending.length + this.res.writableLength;
  }

  drained(): Promise<void> {
    if (this.ended || this.res.destroyed) return Promise.resolve();
    if (this.pending === '' && !this.res.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
      // pending text becomes writable on the next flush; re-check after it
      if (!this.res.writableNeedDrain) setImmediate(() => (this.res.writableNeedDrain ? undefined : done()));
    });
  }

  close(_reason: string): void {
    if (this.ended) return;
    this.flush();
    this.ended = true;
    if (this.res.destroyed) return;
    if (!this.res.headersSent) this.writeHead();
    this.res.end();
    // A client that stopped reading never takes the rest: do not hold its socket forever.
    this.destroyTimer = setTimeout(() => this.res.destroy(), this.options.lingerMs ?? 5000);
    this.destroyTimer.unref();
  }
}
