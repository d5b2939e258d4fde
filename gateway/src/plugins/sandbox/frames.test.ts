import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, encodeWithBody, FRAME_HEADER_BYTES, FrameDecoder } from './frames.mjs';

/** Decodes `chunks` with a fresh decoder; returns what it delivered and reported. */
function decodeAll(chunks: Buffer[], maxBytes = DEFAULT_MAX_FRAME_BYTES) {
  const messages: Array<Record<string, unknown>> = [];
  const bodies: Array<string | undefined> = [];
  const violations: string[] = [];
  const decoder = new FrameDecoder(
    maxBytes,
    (m, bodyJson) => {
      messages.push(m);
      bodies.push(bodyJson);
    },
    (p) => violations.push(p),
  );
  for (const chunk of chunks) decoder.push(chunk);
  return { messages, bodies, violations, decoder };
}

function frameOf(message: unknown, maxBytes = DEFAULT_MAX_FRAME_BYTES): Buffer {
  const encoded = encodeFrame(message, maxBytes);
  if (!encoded.ok) throw new Error(encoded.message);
  return encoded.frame;
}

/** Cuts `bytes` at the given offsets (sorted, deduplicated, inside the buffer). */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(at, p));
    at = p;
  }
  chunks.push(bytes.subarray(at));
  return chunks;
}

const messageArb = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });

describe('[CONTRACT 9] plugin message frames', () => {
  it('[CONTRACT 9] any sequence of JSON objects, cut into any chunks, decodes to the same objects in order', () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (messages, offsets) => {
          const stream = Buffer.concat(messages.map((m) => frameOf(m)));
          const { messages: got, violations, decoder } = decodeAll(cut(stream, offsets));
          expect(violations).toEqual([]);
          expect(got).toEqual(messages.map((m) => JSON.parse(JSON.stringify(m))));
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('[CONTRACT 9] non-ASCII text survives byte-wise splitting (the length counts UTF-8 bytes)', () => {
    const message = { t: 'result', text: 'zwölf Äpfel — 日本語 🎨 \u2028 "quoted" \\ end' };
    const frame = frameOf(message);
    expect(frame.readUInt32BE(0)).toBe(Buffer.byteLength(JSON.stringify(message)));
    const bytewise = Array.from({ length: frame.length }, (_, i) => frame.subarray(i, i + 1));
    expect(decodeAll(bytewise).messages).toEqual([message]);
  });

  it('[CONTRACT 9] a frame cut short stays buffered and delivers nothing (the sender died mid-frame)', () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), (message, at) => {
        const frame = frameOf(message);
        const keep = at % frame.length; // 0 … length − 1: never the whole frame
        const { messages, violations, decoder } = decodeAll([frame.subarray(0, keep)]);
        expect(messages).toEqual([]);
        expect(violations).toEqual([]);
        expect(decoder.bufferedBytes).toBe(keep);
      }),
    );
  });

  it('[CONTRACT 9] a length prefix over the limit is refused at once, before its body arrives, and stops the decoder', () => {
    const header = Buffer.alloc(FRAME_HEADER_BYTES);
    header.writeUInt32BE(1025, 0);
    const good = frameOf({ t: 'ready' });
    // the prefix split over two chunks, after a good frame
    const { messages, violations, decoder } = decodeAll(
      [Buffer.concat([good, header.subarray(0, 2)]), header.subarray(2), good],
      1024,
    );
    expect(messages).toEqual([{ t: 'ready' }]);
    expect(violations).toEqual(['a message of 1025 bytes, over the 1024 byte limit']);
    expect(decoder.broken).toBe(true);
    expect(decoder.bufferedBytes).toBe(0);
    // exactly at the limit is fine
    const atLimit = { t: 'x', pad: '' };
    atLimit.pad = 'y'.repeat(1024 - JSON.stringify(atLimit).length);
    expect(decodeAll([frameOf(atLimit, 1024)], 1024).messages).toEqual([atLimit]);
  });

  it('[CONTRACT 9] a frame that is not a JSON object is a violation, reported once; nothing after it is delivered', () => {
    for (const body of ['{"t":', '[1,2]', '"text"', 'null', '42', '']) {
      const bytes = Buffer.from(body);
      const header = Buffer.alloc(FRAME_HEADER_BYTES);
      header.writeUInt32BE(bytes.length, 0);
      const { messages, violations } = decodeAll([
        frameOf({ t: 'before' }),
        Buffer.concat([header, bytes, frameOf({ t: 'after' })]),
        frameOf({ t: 'later' }),
      ]);
      expect(messages).toEqual([{ t: 'before' }]);
      expect(violations).toHaveLength(1);
      expect(violations[0]).toMatch(/not JSON|not a JSON object/);
    }
  });

  it('[CONTRACT 9] messages with a body frame, mixed with plain ones and cut into any chunks, decode in order with the body text', () => {
    const itemArb = fc.oneof(
      messageArb.map((m) => ({ head: m, body: undefined as unknown })),
      fc.record({
        head: fc.record({
          t: fc.constant('result'),
          id: fc.nat(),
          $body: fc.constantFrom('value', 'input', 'payload'),
        }),
        body: fc.jsonValue({ maxDepth: 3 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(itemArb, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 20 }), (items, offsets) => {
        const stream = Buffer.concat(
          items.map(({ head, body }) => {
            if (!('$body' in head)) return frameOf(head);
            const encoded = encodeWithBody(head as { $body: 'value' }, body, DEFAULT_MAX_FRAME_BYTES);
            if (!encoded.ok) throw new Error(encoded.message);
            return encoded.frame;
          }),
        );
        const { messages, bodies, violations, decoder } = decodeAll(cut(stream, offsets));
        expect(violations).toEqual([]);
        expect(decoder.bufferedBytes).toBe(0);
        expect(messages).toEqual(
          items.map(({ head, body }) =>
            '$body' in head
              ? { ...head, [head.$body as string]: JSON.parse(JSON.stringify(body)) }
              : JSON.parse(JSON.stringify(head)),
          ),
        );
        expect(bodies).toEqual(items.map(({ head, body }) => ('$body' in head ? JSON.stringify(body) : undefined)));
      }),
      { numRuns: 300 },
    );
  });

  it('[CONTRACT 9] a head naming another field, or a body that is not JSON, is a violation; a body may be any JSON value', () => {
    const bad = decodeAll([frameOf({ t: 'result', id: 1, $body: '__proto__' }), frameOf({ polluted: true })]);
    expect(bad.messages).toEqual([]);
    expect(bad.violations).toEqual(['a head frame whose $body is not one of value, input, payload']);
    const notJson = Buffer.from('{"oops"');
    const header = Buffer.alloc(FRAME_HEADER_BYTES);
    header.writeUInt32BE(notJson.length, 0);
    const broken = decodeAll([frameOf({ t: 'result', id: 1, $body: 'value' }), header, notJson, frameOf({ t: 'x' })]);
    expect(broken.messages).toEqual([]);
    expect(broken.violations).toHaveLength(1);
    expect(broken.violations[0]).toMatch(/^a body that is not JSON/);
    for (const body of [null, 'text', 42, [1, { a: 2 }], false]) {
      const encoded = encodeWithBody({ t: 'result', id: 7, ok: true, $body: 'value' }, body, 1024);
      if (!encoded.ok) throw new Error(encoded.message);
      const { messages, bodies } = decodeAll([encoded.frame]);
      expect(messages).toEqual([{ t: 'result', id: 7, ok: true, $body: 'value', value: body }]);
      expect(bodies).toEqual([JSON.stringify(body)]);
    }
  });

  it('[CONTRACT 9] encodeWithBody refuses a body JSON cannot encode and a body or head over the limit', () => {
    const head = { t: 'result', id: 1, ok: true, $body: 'value' } as const;
    expect(encodeWithBody(head, undefined, 1024)).toMatchObject({ ok: false, reason: 'not_json' });
    expect(encodeWithBody(head, { big: 1n }, 1024)).toMatchObject({ ok: false, reason: 'not_json' });
    expect(encodeWithBody(head, () => 1, 1024)).toMatchObject({ ok: false, reason: 'not_json' });
    const big = 'é'.repeat(600);
    expect(encodeWithBody(head, big, 1024)).toMatchObject({ ok: false, reason: 'too_large' });
    expect(encodeWithBody({ ...head, pad: big }, 1, 1024)).toMatchObject({ ok: false, reason: 'too_large' });
    expect(() => encodeWithBody({ t: 'x', $body: 'other' } as never, 1, 1024)).toThrow(TypeError);
  });

  it('[CONTRACT 9] encodeFrame refuses what JSON cannot encode and what is over the limit', () => {
    expect(encodeFrame({ big: 1n }, 1024)).toMatchObject({ ok: false, reason: 'not_json' });
    expect(encodeFrame(undefined, 1024)).toMatchObject({ ok: false, reason: 'not_json' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(encodeFrame(cyclic, 1024)).toMatchObject({ ok: false, reason: 'not_json' });
    const big = { pad: 'é'.repeat(600) }; // 1200 bytes of UTF-8, 600 characters
    expect(encodeFrame(big, 1024)).toMatchObject({
      ok: false,
      reason: 'too_large',
      bytes: Buffer.byteLength(JSON.stringify(big)),
    });
    expect(
      () =>
        new FrameDecoder(
          0,
          () => {},
          () => {},
        ),
    ).toThrow(RangeError);
  });
});
