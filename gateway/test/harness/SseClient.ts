import http from 'node:http';

/** One received SSE frame (comments kept separately). */
export interface SseFrame {
  id: string | null;
  event: string;
  data: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed test data
  json: any;
  at: number;
}

/**
 * A minimal SSE client over node:http for integration tests: records frames and comments,
 * waits (bounded) for a frame, can stop reading (a slow consumer) and resume.
 */
export class SseClient {
  frames: SseFrame[] = [];
  comments: Array<{ text: string; at: number }> = [];
  retry: number | null = null;
  status: number | null = null;
  headers: http.IncomingHttpHeaders = {};
  errorBody = '';
  ended = false;
  lastEventId: string | null = null;
  private buffer = '';
  private res: http.IncomingMessage | null = null;
  private readonly req: http.ClientRequest;
  private waiters = new Set<() => void>();

  constructor(url: string, options: { token?: string; lastEventId?: string; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
    this.req = http.get(url, { headers, agent: false }, (res) => {
      this.res = res;
      this.status = res.statusCode ?? null;
      this.headers = res.headers;
      res.setEncoding('utf8');
      if (res.statusCode !== 200) {
        res.on('data', (chunk: string) => {
          this.errorBody += chunk;
        });
      } else {
        res.on('data', (chunk: string) => this.feed(chunk));
      }
      res.on('close', () => this.finish());
    });
    this.req.on('error', () => {
      this.finish();
    });
  }

  private finish(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end = this.buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.block(block);
      end = this.buffer.indexOf('\n\n');
    }
    this.notify();
  }

  private block(block: string): void {
    let id: string | null = null;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push({ text: line.slice(1).trim(), at: Date.now() });
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry') this.retry = Number(value);
    }
    if (data.length === 0) return;
    if (id !== null) this.lastEventId = id;
    const text = data.join('\n');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    this.frames.push({ id, event, data: text, json, at: Date.now() });
  }

  /** Resolves once the response head arrived (or the request failed). */
  async open(timeoutMs = 5000): Promise<{ status: number | null; headers: http.IncomingHttpHeaders; body: string }> {
    await this.until(() => this.status !== null || this.ended, timeoutMs, 'response headers');
    if (this.status !== 200) await this.until(() => this.ended, timeoutMs, 'the error body');
    return { status: this.status, headers: this.headers, body: this.errorBody };
  }

  /** Waits until `predicate` holds, checking after every chunk; rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs = 5000, what = 'the condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (predicate()) {
          cleanup();
          resolve();
        } else if (this.ended && what !== 'the end') {
          // nothing more will arrive
          if (!predicate()) {
            cleanup();
            reject(new Error(`stream ended before ${what} (${this.frames.length} frames)`));
          }
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${this.frames.length} frames)`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /** The first frame matching `predicate`, waiting for it if needed. */
  async waitFor(predicate: (f: SseFrame) => boolean, timeoutMs = 5000, what = 'a frame'): Promise<SseFrame> {
    await this.until(() => this.frames.some(predicate), timeoutMs, what);
    return this.frames.find(predicate)!;
  }

  /** Waits for the server to end the stream. */
  waitForEnd(timeoutMs = 5000): Promise<void> {
    return this.until(() => this.ended, timeoutMs, 'the end');
  }

  /** Stops reading (a slow consumer: the server's buffers fill up). */
  pause(): void {
    this.res?.pause();
  }

  resume(): void {
    this.res?.resume();
  }

  close(): void {
    this.req.destroy();
    this.res?.destroy();
    this.ended = true;
  }

  /** Durable frames (with an id: line). */
  durable(): SseFrame[] {
    return this.frames.filter((f) => f.id !== null);
  }
}
