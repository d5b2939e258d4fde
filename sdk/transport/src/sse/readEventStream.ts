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

/** What {@link readEventStream} rejects with when a frame outgrows its limit (the message names it). */
export class FrameTooLarge extends Error {}

/**
 * Reads an SSE body to its end: bytes → UTF-8 (a character split across chunks is kept for
 * the next chunk) → lines (LF, CRLF or CR, also split across chunks) → frames, as the
 * EventSource specification parses them (a leading BOM is skipped, `id` with NUL is ignored,
 * a frame without `data` is not dispatched, an unterminated last frame is dropped). Resolves
 * when the body ends; rejects when it breaks (network error, abort) or, with a
 * {@link FrameTooLarge}, when a frame exceeds `maxFrameChars` ({@link MAX_FRAME_CHARS}).
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  callbacks: EventStreamCallbacks,
  maxFrameChars = MAX_FRAME_CHARS,
): Promise<void> {
  const parser = new SseParser(callbacks, maxFrameChars);
  const decoder = new TextDecoder('utf-8');
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      callbacks.onActivity?.();
      parser.feed(decoder.decode(value, { stream: true }));
    }
    // An unterminated last line (and so its frame) stays pending: dropped with the parser.
    parser.feed(decoder.decode());
  } finally {
    reader.releaseLock();
  }
}

/** The SSE line and field parser (WHATWG HTML §9.2.6, "event stream interpretation"). */
class SseParser {
  readonly #callbacks: EventStreamCallbacks;
  readonly #max: number;
  /** Pieces of the line not yet ended (kept apart: joined once, when its line break arrives). */
  #pending: string[] = [];
  #pendingChars = 0;
  /** The last chunk ended in CR: an LF opening the next chunk belongs to that line break. */
  #afterCr = false;
  #started = false;
  #data = '';
  #dataLines = 0;
  #id: string | undefined;
  #event: string | undefined;

  constructor(callbacks: EventStreamCallbacks, max: number) {
    this.#callbacks = callbacks;
    this.#max = max;
  }

  /** Splits `text` into lines; only `text` is scanned (earlier chunks never again), so a long frame costs linear time. */
  feed(text: string): void {
    if (text === '') return;
    let start = 0;
    if (!this.#started) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    if (this.#afterCr) {
      this.#afterCr = false;
      if (text.charCodeAt(start) === 10) start++;
    }
    // The next LF and CR at or after `start`; none: 2^32 - 1 (`>>> 0` of -1), past any index, so
    // it is not searched for again (a chunk without CR was scanned to its end once per line).
    let lf = -1;
    let cr = -1;
    while (start < text.length) {
      if (lf < start) lf = text.indexOf('\n', start) >>> 0;
      if (cr < start) cr = text.indexOf('\r', start) >>> 0;
      const end = Math.min(lf, cr);
      if (end >= text.length) break;
      this.#line(this.#take(text.slice(start, end)));
      start = end + 1;
      if (end === cr) {
        if (start === text.length) this.#afterCr = true;
        else if (text.charCodeAt(start) === 10) start++;
      }
    }
    if (start < text.length) {
      this.#pending.push(text.slice(start));
      this.#pendingChars += text.length - start;
    }
    if (this.#pendingChars + this.#data.length > this.#max) {
      throw new FrameTooLarge(
        `a frame exceeded the reader's limit of ${this.#max} characters: the stream was broken off`,
      );
    }
  }

  /** The pending pieces of a line plus its last piece, as one string. */
  #take(last: string): string {
    if (this.#pending.length === 0) return last;
    this.#pending.push(last);
    const line = this.#pending.join('');
    this.#pending = [];
    this.#pendingChars = 0;
    return line;
  }

  #line(line: string): void {
    if (line === '') {
      this.#dispatch();
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) {
      this.#callbacks.onComment?.(line.slice(line.charCodeAt(1) === 32 ? 2 : 1));
      return;
    }
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
    switch (field) {
      case 'data':
        this.#data = this.#dataLines++ === 0 ? value : `${this.#data}\n${value}`;
        break;
      case 'event':
        this.#event = value || undefined;
        break;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.#callbacks.onRetry?.(Number.parseInt(value, 10));
        else this.#callbacks.onParseError?.(`Invalid \`retry\` value: "${value.slice(0, 20)}"`);
        break;
      default:
        this.#callbacks.onParseError?.(`Unknown field "${field.slice(0, 20)}"`);
    }
  }

  #dispatch(): void {
    if (this.#dataLines > 0) {
      const frame: { id?: string; event?: string; data: string } = { data: this.#data };
      if (this.#id !== undefined) frame.id = this.#id;
      if (this.#event !== undefined) frame.event = this.#event;
      this.#callbacks.onFrame(frame);
    }
    this.#data = '';
    this.#dataLines = 0;
    this.#id = undefined;
    this.#event = undefined;
  }
}
