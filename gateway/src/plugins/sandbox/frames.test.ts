import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame,
  encodeWithBody,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  MSGPACK_CODEC,
  MSGPACK_MIN_BYTES,
} from './frames.mjs';
import { isPlainJson, plainJsonSize } from './isPlainJson.mjs';

/** Decodes `chunks` with a fresh decoder; returns what it delivered and reported. */
function decodeAll(chunks: Buffer[], maxBytes = DEFAULT_MAX_FRAME_BYTES, trusted = false) {
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
    { trusted },
  );
  for (const chunk of chunks) decoder.push(chunk);
  return { messages, bodies, violations, decoder };
}

function frameOf(message: unknown, maxBytes = DEFAULT_MAX_FRAME_BYTES): Buffer {
  const encoded = encodeFrame(message, maxBytes);
  if (!encoded.ok) throw new Error(encoded.message);
  return encoded.frame;
}

/** A length-prefixed frame of raw bytes. */
function rawFrame(bytes: Uint8Array): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([header, bytes]);
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
            const encoded = encodeWithBody(head as { $body: 'value' }, body, DEFAULT_MAX_FRAME_BYTES, 0);
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
              ? {
                  ...head,
                  ...(isPlainJson(body) ? { $codec: MSGPACK_CODEC } : {}),
                  [head.$body as string]: JSON.parse(JSON.stringify(body)),
                }
              : JSON.parse(JSON.stringify(head)),
          ),
        );
        expect(bodies).toEqual(
          items.map(({ head, body }) => ('$body' in head && !isPlainJson(body) ? JSON.stringify(body) : undefined)),
        );
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
      const encoded = encodeWithBody({ t: 'result', id: 7, ok: true, $body: 'value' }, body, 1024, 0);
      if (!encoded.ok) throw new Error(encoded.message);
      const { messages, bodies } = decodeAll([encoded.frame]);
      expect(messages).toEqual([{ t: 'result', id: 7, ok: true, $body: 'value', $codec: 'msgpack', value: body }]);
      expect(bodies).toEqual([undefined]);
      // Small bodies stay JSON by default, text and all.
      const small = decodeAll([
        bodyFrame({ t: 'result', id: 7, ok: true, $body: 'value' }, body, 1024, MSGPACK_MIN_BYTES),
      ]);
      expect(small.messages).toEqual([{ t: 'result', id: 7, ok: true, $body: 'value', value: body }]);
      expect(small.bodies).toEqual([JSON.stringify(body)]);
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

/** Encodes one message with a body (every plain body as MessagePack unless told); throws when it cannot be encoded. */
function bodyFrame(
  head: { $body: 'value' | 'input' | 'payload' } & Record<string, unknown>,
  body: unknown,
  max = DEFAULT_MAX_FRAME_BYTES,
  minPackBytes = 0,
) {
  const encoded = encodeWithBody(head, body, max, minPackBytes);
  if (!encoded.ok) throw new Error(encoded.message);
  return encoded.frame;
}

/** The JSON text a head frame would have, as a frame. */
const MSGPACK_HEAD = { t: 'result', id: 1, ok: true, $body: 'value', $codec: 'msgpack' } as const;

/** Any JSON value, also with strings of any UTF-16 code units (lone surrogates included). */
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }));

/** `[1, <hole>, 3]`. */
function withHole(): unknown[] {
  const list = [1];
  list[2] = 3;
  return list;
}

class Shape {
  constructor(readonly side: number) {}
}

/** Values JSON turns into something else: they must take the JSON path and come out as JSON makes them. */
const NOT_PLAIN: Array<() => unknown> = [
  () => new Date(86_400_000),
  () => undefined,
  () => Number.NaN,
  () => Number.NEGATIVE_INFINITY,
  () => ({ toJSON: () => ({ replaced: true }) }),
  () => new Map([['a', 1]]),
  () => new Set([1, 2]),
  () => new Shape(3),
  () => Buffer.from('bytes'),
  () => new Uint8Array([1, 2]),
  () => withHole(),
  () => 'lone \ud800 surrogate',
  () => JSON.parse('{"__proto__": {"polluted": true}}'),
  () => ({ __keys__: ['a'] }),
];

describe('[CONTRACT 9] plugin message bodies as MessagePack', () => {
  it('[CONTRACT 9] any JSON value round-trips as JSON would give it, MessagePack exactly when it is plain, cut into any chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('value', 'input', 'payload'), anyJson), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (items, offsets) => {
          const frames = items.map(([field, body], id) => bodyFrame({ t: 'x', id, $body: field }, body));
          const { messages, bodies, violations, decoder } = decodeAll(cut(Buffer.concat(frames), offsets));
          expect(violations).toEqual([]);
          expect(decoder.bufferedBytes).toBe(0);
          expect(messages).toHaveLength(items.length);
          items.forEach(([field, body], i) => {
            const got = messages[i] as Record<string, unknown>;
            const plain = isPlainJson(body);
            expect(got.$codec).toBe(plain ? MSGPACK_CODEC : undefined);
            expect(JSON.stringify(got[field])).toBe(JSON.stringify(body));
            expect(got[field]).toEqual(JSON.parse(JSON.stringify(body)));
            expect(bodies[i]).toBe(plain ? undefined : JSON.stringify(body));
            // Each message decodes on its own: no structures carried over from another message.
            const alone = decodeAll([frames[i] as Buffer]);
            expect(alone.violations).toEqual([]);
            expect(JSON.stringify(alone.messages[0]?.[field])).toBe(JSON.stringify(body));
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('[CONTRACT 9] plain data of many shapes (records) decodes the same in one stream and one by one, trusted or not', () => {
    const shapeArb = fc.array(
      fc.dictionary(
        fc.constantFrom('id', 'x', 'y', 'w', 'h', 'label', 'constructor', 'hasOwnProperty', '0', '10'),
        anyJson,
        {
          maxKeys: 6,
        },
      ),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(fc.array(shapeArb, { minLength: 1, maxLength: 5 }), (bodies) => {
        const stream = Buffer.concat(bodies.map((body, id) => bodyFrame({ t: 'x', id, $body: 'value' }, body)));
        for (const trusted of [false, true]) {
          const { messages, violations } = decodeAll([stream], DEFAULT_MAX_FRAME_BYTES, trusted);
          expect(violations).toEqual([]);
          expect(messages.map((m) => JSON.stringify(m.value))).toEqual(bodies.map((b) => JSON.stringify(b)));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('[CONTRACT 9] values JSON changes (Date, undefined, NaN, toJSON, Map, class instances, …) take the JSON path and keep JSON semantics', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
        fc.string({ minLength: 1, maxLength: 6 }),
        fc.constantFrom(...NOT_PLAIN),
        fc.boolean(),
        (base, key, make, inArray) => {
          const odd = make();
          const body = inArray ? [base, odd] : { ...base, [key]: odd };
          const frame = bodyFrame({ t: 'result', id: 3, ok: true, $body: 'value' }, body);
          const { messages, bodies, violations } = decodeAll([frame]);
          expect(violations).toEqual([]);
          expect(messages[0]?.$codec).toBeUndefined();
          expect(bodies).toEqual([JSON.stringify(body)]);
          expect(messages[0]?.value).toEqual(JSON.parse(JSON.stringify(body)));
        },
      ),
      { numRuns: 200 },
    );
    // The Date is its ISO string, undefined is dropped or null, NaN null, toJSON used, a Map {}.
    const frame = bodyFrame(
      { t: 'result', id: 1, ok: true, $body: 'value' },
      {
        when: new Date(0),
        gone: undefined,
        list: [undefined, Number.NaN],
        custom: { toJSON: () => 'custom' },
        map: new Map([[1, 2]]),
      },
    );
    expect(decodeAll([frame]).messages[0]?.value).toEqual({
      when: '1970-01-01T00:00:00.000Z',
      list: [null, null],
      custom: 'custom',
      map: {},
    });
  });

  it('[CONTRACT 9] a MessagePack body that is not plain JSON data, or not MessagePack, is a violation reported once; nothing after it is delivered', () => {
    const rogue = new Packr({ moreTypes: true, structuredClone: true, useRecords: false });
    const bad: Array<[string, Uint8Array]> = [
      ['a Date', rogue.pack(new Date(0))],
      ['a Buffer', rogue.pack(Buffer.from('ab'))],
      ['undefined', rogue.pack([1, undefined])],
      ['NaN', rogue.pack({ n: Number.NaN })],
      ['Infinity', rogue.pack([Number.POSITIVE_INFINITY])],
      ['a Map (a MessagePack map)', rogue.pack(new Map([[1, 2]]))],
      ['a Set', rogue.pack(new Set([1]))],
      ['an Error', rogue.pack(new Error('x'))],
      ['a typed array', rogue.pack(new Float64Array([1]))],
      ['a 64-bit integer', Buffer.from([0xcf, 0, 0, 0, 0, 0, 0, 0, 1])],
      ['garbage', Buffer.from([0xc1])],
      ['a value cut short', Buffer.from([0x92, 0x01])],
      ['trailing bytes', Buffer.from([0x01, 0x02])],
      ['nothing', Buffer.alloc(0)],
      ['text', Buffer.from('{"a":1}')],
    ];
    for (const [name, bytes] of bad) {
      const { messages, violations, decoder } = decodeAll([
        frameOf({ t: 'before' }),
        Buffer.concat([frameOf(MSGPACK_HEAD), rawFrame(bytes), frameOf({ t: 'after' })]),
        bodyFrame({ t: 'later', $body: 'value' }, { a: 1 }),
      ]);
      expect(messages, name).toEqual([{ t: 'before' }]);
      expect(violations, name).toHaveLength(1);
      expect(violations[0], name).toMatch(
        /^a (body that is not MessagePack|MessagePack body that is not plain JSON data)/,
      );
      expect(decoder.broken, name).toBe(true);
    }
    // The same bytes as a JSON body are just not JSON; an unknown codec is refused at the head.
    const unknown = decodeAll([frameOf({ ...MSGPACK_HEAD, $codec: 'cbor' }), rawFrame(Buffer.from([0x01]))]);
    expect(unknown.messages).toEqual([]);
    expect(unknown.violations).toEqual(['a head frame whose $codec is not msgpack']);
  });

  it('[CONTRACT 9] the size limit applies to MessagePack bodies: encoded bytes, before sending and on receipt', () => {
    const head = { t: 'result', id: 1, ok: true, $body: 'value' } as const;
    // 1021 quotes: MessagePack 1024 bytes (fits exactly), JSON 2044 (would not).
    const fits = '"'.repeat(1021);
    const atLimit = decodeAll([bodyFrame(head, fits, 1024)], 1024);
    expect(atLimit.violations).toEqual([]);
    expect(atLimit.messages[0]).toMatchObject({ $codec: 'msgpack', value: fits });
    const over = encodeWithBody(head, '"'.repeat(1022), 1024, 0);
    expect(over).toEqual({
      ok: false,
      reason: 'too_large',
      bytes: 1025,
      message: '1025 bytes, over the 1024 byte limit',
    });
    // Over the limit as MessagePack (9 bytes a float) but not as JSON: it goes as JSON.
    const halves = Array.from({ length: 200 }, () => 0.5);
    const asJson = decodeAll([bodyFrame(head, halves, 1024)], 1024);
    expect(asJson.messages[0]?.$codec).toBeUndefined();
    expect(asJson.bodies).toEqual([JSON.stringify(halves)]);
    // The receiver refuses a MessagePack body over its limit from the length prefix.
    const big = new Packr({ useRecords: true }).pack({ text: 'x'.repeat(2000) });
    const refused = decodeAll([frameOf(MSGPACK_HEAD), rawFrame(big)], 1024);
    expect(refused.messages).toEqual([]);
    expect(refused.violations).toEqual([`a message of ${big.length} bytes, over the 1024 byte limit`]);
  });

  it('[CONTRACT 9] a getter that throws is not JSON; the encoder keeps working afterwards', () => {
    const body = {
      get boom() {
        throw new Error('no');
      },
    };
    expect(encodeWithBody({ t: 'result', $body: 'value' }, body, 1024)).toMatchObject({
      ok: false,
      reason: 'not_json',
    });
    const { messages } = decodeAll([bodyFrame({ t: 'result', $body: 'value' }, [{ a: 1 }, { a: 2, b: 'x' }])]);
    expect(messages[0]?.value).toEqual([{ a: 1 }, { a: 2, b: 'x' }]);
  });

  it('[CONTRACT 9] by default only plain bodies of about MSGPACK_MIN_BYTES or more go as MessagePack', () => {
    fc.assert(
      fc.property(anyJson, fc.nat({ max: 3000 }), (body, pad) => {
        const padded = { body, pad: 'p'.repeat(pad) };
        const { messages, bodies, violations } = decodeAll([
          bodyFrame({ t: 'x', $body: 'value' }, padded, DEFAULT_MAX_FRAME_BYTES, MSGPACK_MIN_BYTES),
        ]);
        expect(violations).toEqual([]);
        const packed = plainJsonSize(padded) >= MSGPACK_MIN_BYTES;
        expect(messages[0]?.$codec).toBe(packed ? MSGPACK_CODEC : undefined);
        expect(bodies).toEqual([packed ? undefined : JSON.stringify(padded)]);
        expect(JSON.stringify(messages[0]?.value)).toBe(JSON.stringify(padded));
      }),
      { numRuns: 200 },
    );
    const blocks = Array.from({ length: 20 }, (_, i) => ({
      id: `b${i}`,
      x: i,
      y: i,
      w: 120,
      h: 40,
      label: `block ${i}`,
    }));
    expect(
      decodeAll([bodyFrame({ t: 'x', $body: 'value' }, { blocks }, 1 << 20, MSGPACK_MIN_BYTES)]).messages[0]?.$codec,
    ).toBe(MSGPACK_CODEC);
    expect(
      decodeAll([bodyFrame({ t: 'x', $body: 'value' }, { text: 'hello' }, 1 << 20, MSGPACK_MIN_BYTES)]).bodies,
    ).toEqual(['{"text":"hello"}']);
  });
});
