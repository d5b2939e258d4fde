import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { FrameTooLarge, readEventStream, type SseFrame } from './readEventStream.ts';

const originalIndexOf = String.prototype.indexOf;

function bodyOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

interface Parsed {
  frames: SseFrame[];
  retries: number[];
  comments: string[];
  errors: number;
}

async function framesOf(chunks: Uint8Array[]): Promise<Parsed> {
  const out: Parsed = { frames: [], retries: [], comments: [], errors: 0 };
  await readEventStream(bodyOf(chunks), {
    onFrame: (f) => out.frames.push(f),
    onRetry: (ms) => out.retries.push(ms),
    onComment: (c) => out.comments.push(c),
    onParseError: () => out.errors++,
  });
  return out;
}

/** The same text through eventsource-parser (the reference implementation), chunk by chunk. */
function referenceOf(chunks: string[]): Parsed {
  const out: Parsed = { frames: [], retries: [], comments: [], errors: 0 };
  const parser = createParser({
    onEvent: (m) => {
      const frame: { id?: string; event?: string; data: string } = { data: m.data };
      if (m.id !== undefined) frame.id = m.id;
      if (m.event !== undefined) frame.event = m.event;
      out.frames.push(frame);
    },
    onRetry: (ms) => out.retries.push(ms),
    onComment: (c) => out.comments.push(c),
    onError: () => out.errors++,
  });
  for (const chunk of chunks) parser.feed(chunk);
  // A CR at the very end is a complete line end; the parser waits for a possible LF.
  if (chunks.join('').endsWith('\r')) parser.feed('\n');
  return out;
}

/** Splits `bytes` at the given cut points (any byte offset, also inside a UTF-8 character). */
function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const p of sorted) {
    chunks.push(bytes.slice(start, p));
    start = p;
  }
  chunks.push(bytes.slice(start));
  return chunks;
}

const frameArb = fc.record({
  id: fc.option(fc.stringMatching(/^[a-z0-9]{8}-[0-9]{1,6}$/), { nil: undefined }),
  event: fc.option(fc.stringMatching(/^[A-Za-z_]{1,12}$/), { nil: undefined }),
  // Any text without line breaks, including multi-byte characters and emoji.
  data: fc.array(
    fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ' ')),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
});

describe('readEventStream', () => {
  it('parses id, event, multi-line data, retry and comments', async () => {
    const text =
      ': hello\n\nretry: 3000\n\nid: abcdefgh-1\nevent: token_patch\ndata: {"a":1}\n\n' +
      'event: chat_token\ndata: line1\ndata: line2\n\n';
    const { frames, retries, comments } = await framesOf([new TextEncoder().encode(text)]);
    expect(frames).toEqual([
      { id: 'abcdefgh-1', event: 'token_patch', data: '{"a":1}' },
      { event: 'chat_token', data: 'line1\nline2' },
    ]);
    expect(retries).toEqual([3000]);
    expect(comments).toEqual(['hello']);
  });

  it('random chunking of an SSE byte stream yields the same frames (LF and CRLF line ends)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(frameArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        async (frames, points, eol) => {
          let text = ': keep-alive' + eol + eol;
          for (const f of frames) {
            if (f.id !== undefined) text += `id: ${f.id}${eol}`;
            if (f.event !== undefined) text += `event: ${f.event}${eol}`;
            for (const line of f.data) text += `data: ${line}${eol}`;
            text += eol;
          }
          const bytes = new TextEncoder().encode(text);
          const whole = await framesOf([bytes]);
          const chunked = await framesOf(cut(bytes, points));
          const bytewise = await framesOf(Array.from(bytes, (b) => Uint8Array.of(b)));
          const expected = frames.map((f) => ({
            ...(f.id !== undefined ? { id: f.id } : {}),
            ...(f.event !== undefined ? { event: f.event } : {}),
            data: f.data.join('\n'),
          }));
          expect(whole.frames).toEqual(expected);
          expect(chunked.frames).toEqual(expected);
          expect(bytewise.frames).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('any chunking of a stream of long frames (lines spanning many chunks, CR/LF split across chunks) parses the same', async () => {
    const longFrame = fc.record({
      id: fc.option(fc.stringMatching(/^[a-z0-9]{8}-[0-9]{1,6}$/), { nil: undefined }),
      data: fc.array(
        fc
          .tuple(fc.string({ unit: 'grapheme', maxLength: 4 }), fc.nat({ max: 3000 }))
          .map(([unit, times]) => (unit === '' ? 'x' : unit).replace(/[\r\n]/g, ' ').repeat(times)),
        { minLength: 1, maxLength: 3 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(longFrame, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        async (frames, points, eol, splitEols) => {
          let text = '\ufeff: open' + eol + eol;
          for (const f of frames) {
            if (f.id !== undefined) text += `id: ${f.id}${eol}`;
            for (const line of f.data) text += `data: ${line}${eol}`;
            text += eol;
          }
          const bytes = new TextEncoder().encode(text);
          const expected = frames.map((f) => ({
            ...(f.id !== undefined ? { id: f.id } : {}),
            data: f.data.join('\n'),
          }));
          const whole = await framesOf([bytes]);
          // Optionally also cut right after every CR (a CRLF split across two chunks).
          const crs = splitEols ? [...bytes.keys()].filter((i) => bytes[i] === 13).map((i) => i + 1) : [];
          const chunked = await framesOf(cut(bytes, [...points, ...crs]));
          expect(whole.frames).toEqual(expected);
          expect(chunked).toEqual(whole);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('parses any line soup as the reference SSE parser (eventsource-parser) does, however it is chunked', async () => {
    const line = fc.oneof(
      fc.constantFrom(
        '',
        'data',
        'data:',
        'data: ',
        'data:x',
        'data:  two spaces',
        'id:',
        'id: a\0b',
        'event:',
        ':',
        ': c',
      ),
      fc.constantFrom('retry: 250', 'retry:x', 'retry', 'bogus: 1', 'event: e', 'id: 7', 'data: é😀', ':comment'),
      fc
        .tuple(fc.constantFrom('data', 'id', 'event', 'retry', 'x', ''), fc.string({ maxLength: 6 }))
        .map(([field, value]) => `${field}:${value.replace(/[\r\n]/g, '')}`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n', '\r')), { maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (lines, points) => {
          const text = lines.map(([l, eol]) => l + eol).join('');
          const bytes = new TextEncoder().encode(text);
          const chunks = cut(bytes, points);
          const decoder = new TextDecoder();
          const reference = referenceOf([...chunks.map((c) => decoder.decode(c, { stream: true })), decoder.decode()]);
          expect(await framesOf(chunks)).toEqual(reference);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('scans a chunk of many frames once: a line break absent from the chunk is not searched for again per line', async () => {
    // A 2 MB first read holds the paint-first CANVAS_READY and most of its update; a burst of live
    // events is hundreds of lines in one chunk. Searching the rest of the chunk for CR on every
    // line made that quadratic in the chunk (counted here in characters searched, not in time).
    const frame = `id: abcdefgh-1\nevent: chat_token\ndata: {"payload":"${'z'.repeat(100)}"}\n\n`;
    const text = frame.repeat(500);
    let searched = 0;
    const spy = vi.spyOn(String.prototype, 'indexOf').mockImplementation(function (
      this: string,
      search: string,
      from?: number,
    ) {
      const i = originalIndexOf.call(this, search, from);
      if (this.length === text.length && (search === '\r' || search === '\n'))
        searched += (i < 0 ? this.length : i) - (from ?? 0);
      return i;
    });
    let count = 0;
    try {
      await readEventStream(bodyOf([new TextEncoder().encode(text)]), { onFrame: () => count++ });
    } finally {
      spy.mockRestore();
    }
    expect(count).toBe(500);
    expect(searched).toBeLessThanOrEqual(2 * text.length);
  });

  it('rejects when the body breaks, after delivering the complete frames', async () => {
    const frames: SseFrame[] = [];
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        if (pulls === 1) {
          controller.enqueue(new TextEncoder().encode('id: abcdefgh-1\ndata: {}\n\nid: abcdefgh-2\ndata: {"par'));
        } else {
          controller.error(new TypeError('terminated'));
        }
      },
    });
    await expect(readEventStream(body, { onFrame: (f) => frames.push(f) })).rejects.toThrow('terminated');
    expect(frames).toEqual([{ id: 'abcdefgh-1', data: '{}' }]);
  });

  it('breaks off a frame larger than the limit instead of buffering without end', async () => {
    const big = `data: ${'x'.repeat(5_000)}`;
    const read = readEventStream(bodyOf([new TextEncoder().encode(big)]), { onFrame: () => undefined }, 1_000);
    await expect(read).rejects.toBeInstanceOf(FrameTooLarge);
    await expect(read).rejects.toThrow(
      /^a frame exceeded the reader's limit of 1000 characters: the stream was broken off$/,
    );
  });
});
