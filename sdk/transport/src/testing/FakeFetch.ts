import type { FetchLike } from '../lib/deps.ts';

/** One request the fake fetch received, waiting for the test to answer it. */
export interface FakeRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | null;
  readonly signal: AbortSignal | null;
  /** Answers with a streaming SSE body; returns the handle that feeds it. */
  respondStream(status?: number, headers?: Record<string, string>): FakeStream;
  /** Answers with a JSON body. */
  respondJson(status: number, body: unknown, headers?: Record<string, string>): void;
  /** Fails the fetch as a network error (TypeError, like undici's "fetch failed"). */
  failNetwork(message?: string): void;
}

/** The server side of one streamed answer. */
export interface FakeStream {
  push(text: string): void;
  pushBytes(bytes: Uint8Array): void;
  /** Ends the body cleanly (the server closed the stream). */
  end(): void;
  /** Breaks the body mid-stream (a reset connection). */
  error(message?: string): void;
  readonly closed: boolean;
}

/**
 * A scripted `fetch`: every call is queued as a {@link FakeRequest} that the test answers.
 * Aborting the request's signal errors the body like a real fetch does.
 */
export class FakeFetch {
  readonly requests: FakeRequest[] = [];
  readonly #waiting: FakeRequest[] = [];
  readonly #waiters: Array<(request: FakeRequest) => void> = [];

  readonly fetch: FetchLike = (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((value, key) => {
        headers[key] = value;
      });
      const signal = init?.signal ?? null;
      let settled = false;
      const abortError = () => new DOMException('The operation was aborted.', 'AbortError');
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      signal?.addEventListener('abort', () => {
        if (!settled) {
          settled = true;
          reject(abortError());
        }
      });
      const request: FakeRequest = {
        url: input,
        method: init?.method ?? 'GET',
        headers,
        body: typeof init?.body === 'string' ? init.body : null,
        signal,
        respondStream: (status = 200, extra = {}) => {
          let controller!: ReadableStreamDefaultController<Uint8Array>;
          let closed = false;
          const stream = new ReadableStream<Uint8Array>({
            start(c) {
              controller = c;
            },
            cancel() {
              closed = true;
            },
          });
          signal?.addEventListener('abort', () => {
            if (closed) return;
            closed = true;
            controller.error(abortError());
          });
          const encoder = new TextEncoder();
          const handle: FakeStream = {
            push: (text) => handle.pushBytes(encoder.encode(text)),
            pushBytes: (bytes) => {
              if (!closed) controller.enqueue(bytes);
            },
            end: () => {
              if (closed) return;
              closed = true;
              controller.close();
            },
            error: (message = 'socket hang up') => {
              if (closed) return;
              closed = true;
              controller.error(new TypeError(message));
            },
            get closed() {
              return closed;
            },
          };
          if (!settled) {
            settled = true;
            resolve(new Response(stream, { status, headers: { 'content-type': 'text/event-stream', ...extra } }));
          }
          return handle;
        },
        respondJson: (status, body, extra = {}) => {
          if (settled) return;
          settled = true;
          resolve(
            new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...extra } }),
          );
        },
        failNetwork: (message = 'fetch failed') => {
          if (settled) return;
          settled = true;
          reject(new TypeError(message));
        },
      };
      this.requests.push(request);
      const waiter = this.#waiters.shift();
      if (waiter) waiter(request);
      else this.#waiting.push(request);
    });

  /** The next request not yet taken (waits for it, bounded by `timeoutMs` of real time). */
  next(timeoutMs = 2_000): Promise<FakeRequest> {
    const ready = this.#waiting.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise<FakeRequest>((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(onRequest);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(new Error(`no request within ${timeoutMs} ms`));
      }, timeoutMs);
      const onRequest = (request: FakeRequest) => {
        clearTimeout(timer);
        resolve(request);
      };
      this.#waiters.push(onRequest);
    });
  }

  /** How many requests arrived and were not taken with `next()`. */
  get untaken(): number {
    return this.#waiting.length;
  }
}
