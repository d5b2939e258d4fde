import type { StreamSink } from './StreamSink.ts';

/** One parsed SSE frame or comment, as a client would see it. */
export interface ParsedFrame {
  readonly id: string | null;
  readonly event: string | null;
  readonly data: string | null;
  readonly comment: string | null;
  readonly retry: number | null;
}

/**
 * An in-memory {@link StreamSink} with explicit flushing, for protocol tests (as tldraw's
 * TestSocketPair): written text stays "buffered" until `flush()` delivers it, unless
 * `autoFlush` is on. `bufferedBytes()` reports what is pending, so a test can simulate a
 * client that stopped reading.
 */
export class TestSink implements StreamSink {
  /** Text the client has received. */
  received = '';
  private pending = '';
  closedWith: string | null = null;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly options: {
      /** Deliver every write at once (a fast client). Default true. */
      autoFlush?: boolean;
      /** write() returns false past this many buffered bytes. Default 16384. */
      highWaterMark?: number;
    } = {},
  ) {}

  get autoFlush(): boolean {
    return this.options.autoFlush ?? true;
  }

  set autoFlush(value: boolean) {
    this.options.autoFlush = value;
    if (value) this.flush();
  }

  write(chunk: string): boolean {
    if (this.closedWith !== null) return false;
    this.pending += chunk;
    if (this.autoFlush) this.flush();
    return this.pending.length <= (this.options.highWaterMark ?? 16384);
  }

  /** The buffers given to `writeBytes`, in order (the text they decode to joins the received text). */
  bytesWritten: Uint8Array[] = [];

  writeBytes(bytes: Uint8Array): boolean {
    this.bytesWritten.push(bytes);
    return this.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  }

  bufferedBytes(): number {
    return Buffer.byteLength(this.pending);
  }

  close(reason: string): void {
    if (this.closedWith !== null) return;
    this.flush();
    this.closedWith = reason;
    this.release();
  }

  drained(): Promise<void> {
    if (this.closedWith !== null || this.pending.length <= (this.options.highWaterMark ?? 16384)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Delivers everything buffered to the "client". */
  flush(): void {
    this.received += this.pending;
    this.pending = '';
    this.release();
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The received text parsed into frames and comments, in order. */
  frames(): ParsedFrame[] {
    return parseSse(this.received);
  }

  /** Received event frames (comments and retry-only blocks left out). */
  // biome-ignore lint/suspicious/noExplicitAny: parsed test data, asserted field by field
  events(): Array<ParsedFrame & { json: any }> {
    return this.frames()
      .filter((f) => f.data !== null)
      .map((f) => ({ ...f, json: JSON.parse(f.data!) }));
  }
}

/** A small SSE parser over complete text (blocks separated by a blank line). */
export function parseSse(text: string): ParsedFrame[] {
  const out: ParsedFrame[] = [];
  for (const block of text.split('\n\n')) {
    if (block === '') continue;
    let id: string | null = null;
    let event: string | null = null;
    const data: string[] = [];
    let comment: string | null = null;
    let retry: number | null = null;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        comment = line.slice(1).trimStart();
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry') retry = Number(value);
    }
    out.push({ id, event, data: data.length > 0 ? data.join('\n') : null, comment, retry });
  }
  return out;
}
