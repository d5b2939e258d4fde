import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One SSE frame as parsed (`id` only when the frame carried an `id:` line). */
export interface SseFrame {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
}

export interface EventStreamCallbacks {
  onFrame(frame: SseFrame): void;
  onRetry?(ms: number): void;
  onComment?(text: string): void;
  /** Any bytes arrived (frames, comments, keep-alives): for stall detection. */
  onActivity?(): void;
  /** A malformed line (unknown field, bad `retry:`); the stream goes on. */
  onParseError?(message: string): void;
}

/** Largest frame the reader buffers (characters); beyond it the stream is broken off. */
export const MAX_FRAME_CHARS = 8 * 1024 * 1024;

/**
 * Reads an SSE body to its end: bytes → UTF-8 (a character split across chunks is kept for
 * the next chunk) → eventsource-parser → frames. Resolves when the body ends; rejects when it
 * breaks (network error, abort) or a frame exceeds {@link MAX_FRAME_CHARS}.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  callbacks: EventStreamCallbacks,
  maxFrameChars = MAX_FRAME_CHARS,
): Promise<void> {
  let overflow: Error | null = null;
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => callbacks.onFrame(toFrame(message)),
    onRetry: (ms) => callbacks.onRetry?.(ms),
    onComment: (text) => callbacks.onComment?.(text),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') overflow = error;
      else callbacks.onParseError?.(error.message);
    },
    maxBufferSize: maxFrameChars,
  });
  const decoder = new TextDecoder('utf-8');
  const reader = body.getReader();
  let endsWithCr = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      callbacks.onActivity?.();
      const text = decoder.decode(value, { stream: true });
      if (text !== '') {
        parser.feed(text);
        endsWithCr = text.endsWith('\r');
      }
      if (overflow) throw overflow;
    }
    const rest = decoder.decode();
    if (rest !== '') {
      parser.feed(rest);
      endsWithCr = rest.endsWith('\r');
    }
    // A CR at the very end is a complete line end; the parser waits for a possible LF.
    if (endsWithCr) parser.feed('\n');
  } finally {
    reader.releaseLock();
  }
}

function toFrame(message: EventSourceMessage): SseFrame {
  const frame: { id?: string; event?: string; data: string } = { data: message.data };
  if (message.id !== undefined) frame.id = message.id;
  if (message.event !== undefined) frame.event = message.event;
  return frame;
}
