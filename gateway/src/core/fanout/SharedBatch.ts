/**
 * The frames one fan-out group (the streams of one canvas, or the realtime streams, with one
 * lens view) received during one flush cycle, concatenated once for the whole group. A sink that
 * received every one of them writes the same text as every other such sink, so the text is
 * encoded once ({@link bytes}) and that one buffer is written to every socket, instead of each
 * sink concatenating and encoding its own copy.
 */
export class SharedBatch {
  /** Every frame appended so far, in order. */
  text = '';
  /** The fan-out event that appended last (so an event's frame is appended once per group). */
  lastEvent = -1;
  private encoded: Buffer | null = null;
  private encodedStart = 0;
  private encodedEnd = 0;
  private framed: Buffer | null = null;
  private framedOf: Buffer | null = null;

  append(frame: string, event: number): void {
    this.text += frame;
    this.lastEvent = event;
  }

  /** `text.slice(start, end)` encoded as UTF-8; the last range asked for is kept (sinks ask for the same ones). */
  bytes(start: number, end: number): Buffer {
    if (this.encoded === null || this.encodedStart !== start || this.encodedEnd !== end) {
      this.encoded = Buffer.from(start === 0 && end === this.text.length ? this.text : this.text.slice(start, end));
      this.encodedStart = start;
      this.encodedEnd = end;
    }
    return this.encoded;
  }

  /**
   * {@link bytes} framed as one HTTP/1.1 chunk (`<hex size>\r\n<bytes>\r\n`), for sinks that
   * write a chunked response's socket directly; kept like {@link bytes}.
   */
  chunk(start: number, end: number): Buffer {
    const data = this.bytes(start, end);
    if (this.framedOf !== data || this.framed === null) {
      this.framed = httpChunk(data);
      this.framedOf = data;
    }
    return this.framed;
  }
}

const CRLF = Buffer.from('\r\n');

/** `data` framed as one HTTP/1.1 chunk of a `Transfer-Encoding: chunked` body. */
export function httpChunk(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, CRLF]);
}
