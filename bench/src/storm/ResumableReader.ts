import http from 'node:http';
import { backoffDelay } from '@easel/transport';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { MARKER } from '../lib/payload.ts';

/** What one reader saw of the writer's numbered updates, for the exactly-once check. */
export interface ReaderTally {
  /** The next writer sequence number expected: every one below it was seen once, in order. */
  next: number;
  /** Marked `token_patch` frames whose number was below `next` (delivered twice). */
  duplicates: number;
  /** Numbers skipped when a frame above `next` arrived (events lost). */
  gaps: number;
  /** Streams opened live again after the first. */
  reconnects: number;
  /** Attempts that failed: refused, an answer other than 200, or closed before `CANVAS_READY`. */
  failedAttempts: number;
  /** `CANVAS_READY` frames with `"reset":true` after the first (the server could not resume). */
  resets: number;
  /** True while a stream is open and past its `CANVAS_READY`. */
  live: boolean;
}

const MARKER_TEXT = MARKER;

/**
 * A lightweight SSE reader that resumes like `CanvasTransport`: when its stream ends or an attempt
 * fails, it waits `backoffDelay(failures, random, retry)` (the transport's own tiers and the
 * server's `retry:` hint) and reopens with `Last-Event-ID` set to the last `id:` it saw. It counts
 * the writer's numbered updates (`@@seq=<n>;` in `token_patch` frames; `CANVAS_READY` snapshots are
 * not counted) into a {@link ReaderTally}. `start` resolves once the first stream is live.
 */
export class ResumableReader {
  readonly tally: ReaderTally = {
    next: 0,
    duplicates: 0,
    gaps: 0,
    reconnects: 0,
    failedAttempts: 0,
    resets: 0,
    live: false,
  };
  private lastId: string | null = null;
  private retryMs: number | null = null;
  private failures = 0;
  private everLive = false;
  private closed = false;
  private attempt = 0;
  private request: http.ClientRequest | null = null;
  private timer: NodeJS.Timeout | null = null;
  private onFirstLive: ((error?: Error) => void) | null = null;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    private readonly agent: http.Agent,
    private readonly random: () => number = Math.random,
    /** An attempt with no live stream after this long is abandoned and counted failed. */
    private readonly attemptTimeoutMs = 10_000,
  ) {}

  /** Opens the first stream; rejects if that first attempt fails (later ones are retried). */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.onFirstLive = (error) => (error ? reject(error) : resolve());
      this.open();
    });
  }

  /** Stops for good: closes the stream and cancels a pending reconnect. */
  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.request?.destroy();
    this.tally.live = false;
  }

  private open(): void {
    if (this.closed) return;
    const attempt = ++this.attempt;
    const headers: Record<string, string> = { accept: 'text/event-stream', ...this.headers };
    if (this.lastId !== null) headers['last-event-id'] = this.lastId;
    let live = false;
    const failed = (why: string): void => {
      if (attempt !== this.attempt || this.closed) return;
      this.attempt += 1; // later events of this attempt are ignored
      clearTimeout(deadline);
      this.request?.destroy();
      this.tally.live = false;
      if (!live) this.tally.failedAttempts += 1;
      if (!this.everLive) {
        this.onFirstLive?.(new Error(`SSE ${this.url}: ${why}`));
        this.onFirstLive = null;
        return;
      }
      this.failures += 1;
      const delay = backoffDelay(this.failures, this.random, this.retryMs).ms;
      this.timer = setTimeout(() => this.open(), delay);
    };
    const deadline = setTimeout(() => {
      if (!live) failed(`not live within ${this.attemptTimeoutMs} ms`);
    }, this.attemptTimeoutMs);
    const req = http.get(this.url, { agent: this.agent, headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        failed(`HTTP ${res.statusCode}`);
        return;
      }
      res.setEncoding('utf8');
      const onEvent = (message: EventSourceMessage): void => {
        if (message.id !== undefined) this.lastId = message.id;
        if (message.event === 'CANVAS_READY') {
          if (this.everLive && message.data.includes('"reset":true')) this.tally.resets += 1;
          if (!live) {
            live = true;
            clearTimeout(deadline);
            this.tally.live = true;
            this.failures = 0;
            if (this.everLive) this.tally.reconnects += 1;
            else {
              this.everLive = true;
              this.onFirstLive?.();
              this.onFirstLive = null;
            }
          }
        } else if (message.event === 'token_patch') {
          const at = message.data.indexOf(MARKER_TEXT);
          if (at !== -1) this.count(Number.parseInt(message.data.slice(at + MARKER_TEXT.length), 10));
        }
      };
      const parser = createParser({
        onEvent,
        onRetry: (ms) => {
          if (Number.isFinite(ms) && ms >= 0) this.retryMs = ms;
        },
      });
      res.on('data', (chunk: string) => {
        if (attempt === this.attempt) parser.feed(chunk);
      });
      res.on('end', () => failed('stream ended'));
      res.on('close', () => failed('stream closed'));
      res.on('error', (error) => failed(error.message));
    });
    this.request = req;
    req.on('error', (error) => failed(error.message));
  }

  private count(seq: number): void {
    if (!Number.isSafeInteger(seq) || seq < 0) return;
    const tally = this.tally;
    if (seq === tally.next) tally.next += 1;
    else if (seq < tally.next) tally.duplicates += 1;
    else {
      tally.gaps += seq - tally.next;
      tally.next = seq + 1;
    }
  }
}
