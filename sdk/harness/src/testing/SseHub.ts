import type { RecordedEnvelope } from './recordedEvent.ts';

/** One published event: its cursor when durable. */
export interface Published {
  readonly cursor: string | null;
  readonly event: RecordedEnvelope;
}

const encoder = new TextEncoder();

/** The SSE wire form of one event (contract §4). */
export function sseFrame(event: RecordedEnvelope, cursor: string | null): Uint8Array {
  const id = cursor !== null ? `id: ${cursor}\n` : '';
  return encoder.encode(`${id}event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

/** Open SSE responses of one kind, fed as events are published; each closes on its request's abort. */
export class SseHub {
  readonly #open = new Set<{ write(bytes: Uint8Array): void; end(): void }>();
  readonly #keepAliveMs: number;

  constructor(keepAliveMs = 15_000) {
    this.#keepAliveMs = keepAliveMs;
  }

  /** A 200 `text/event-stream` response that starts with `initial` and then receives `send`s. */
  open(initial: readonly Uint8Array[], signal: AbortSignal | null | undefined): Response {
    let entry: { write(bytes: Uint8Array): void; end(): void } | null = null;
    let timer: ReturnType<typeof setInterval> | null = null;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        let done = false;
        const finish = (error?: unknown) => {
          if (done) return;
          done = true;
          if (timer !== null) clearInterval(timer);
          if (entry) this.#open.delete(entry);
          try {
            if (error !== undefined) controller.error(error);
            else controller.close();
          } catch {
            // already closed
          }
        };
        entry = {
          write: (bytes) => {
            if (!done) controller.enqueue(bytes);
          },
          end: () => finish(),
        };
        this.#open.add(entry);
        for (const bytes of initial) controller.enqueue(bytes);
        timer = setInterval(() => entry?.write(encoder.encode(': keep-alive\n\n')), this.#keepAliveMs);
        if (signal?.aborted) finish(new DOMException('The request was aborted', 'AbortError'));
        signal?.addEventListener('abort', () => finish(new DOMException('The request was aborted', 'AbortError')), {
          once: true,
        });
      },
      cancel: () => entry?.end(),
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }

  send(bytes: Uint8Array): void {
    for (const entry of [...this.#open]) entry.write(bytes);
  }

  get size(): number {
    return this.#open.size;
  }

  closeAll(): void {
    for (const entry of [...this.#open]) entry.end();
  }
}
