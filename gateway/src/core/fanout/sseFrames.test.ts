import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  commentFrame,
  encodeEventFrame,
  encodeEventFrameWithBuffer,
  jitteredRetryMs,
  KEEP_ALIVE_FRAME,
  retryFrame,
} from './sseFrames.ts';
import { parseSse } from './TestSink.ts';

/**
 * Property tests: explicit run counts, and room for a loaded 2-core CI machine. Runs are cheap;
 * the first draw of fast-check's `binary` strings builds its tables once (seconds under load).
 */
const PROPERTY_TIMEOUT_MS = 30_000;

describe('sseFrames', () => {
  it('[CONTRACT 4] a durable frame is id/event/data and a blank line', () => {
    expect(encodeEventFrame('abcdefgh-12', 'token_patch', '{"a":1}')).toBe(
      'id: abcdefgh-12\nevent: token_patch\ndata: {"a":1}\n\n',
    );
  });

  it('[CONTRACT 4] telemetry and CANVAS_READY frames carry no id: line', () => {
    expect(encodeEventFrame(null, 'CANVAS_READY', '{}')).toBe('event: CANVAS_READY\ndata: {}\n\n');
  });

  it('[CONTRACT 4] any JSON round-trips through a frame and an SSE parser', { timeout: PROPERTY_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.option(fc.stringMatching(/^[a-z0-9]{8}-[0-9]{1,6}$/), { nil: null }),
        (value, cursor) => {
          const json = JSON.stringify(value) ?? 'null';
          const [frame] = parseSse(encodeEventFrame(cursor, 'token_patch', json));
          expect(frame?.id).toBe(cursor);
          expect(frame?.event).toBe('token_patch');
          expect(JSON.parse(frame!.data!)).toEqual(JSON.parse(json));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('[CONTRACT 4] the direct frame is byte for byte what better-sse writes, for any text', {
    timeout: PROPERTY_TIMEOUT_MS,
  }, () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ unit: 'binary' }), { nil: null }),
        fc.string({ unit: 'binary' }),
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
        ),
        (cursor, type, json) => {
          expect(encodeEventFrame(cursor, type, json)).toBe(encodeEventFrameWithBuffer(cursor, type, json));
        },
      ),
      {
        numRuns: 500,
        // both paths, whatever is drawn: the direct one (no line break) and the buffered one
        examples: [
          ['c-1', 'token_patch', '{"a":"b"}'],
          [null, 'progress', '{"a":\n1}'],
          ['c\r2', 't', '{}'],
          [null, 'ty\npe', ''],
        ],
      },
    );
  });

  it('keeps a frame well-formed when the JSON text holds raw line breaks', () => {
    const [frame] = parseSse(encodeEventFrame(null, 'x', '{\n"a":\r\n1}'));
    expect(JSON.parse(frame!.data!)).toEqual({ a: 1 });
  });

  it('[CONTRACT 4] keep-alive and close reasons are comments; retry is a retry field', () => {
    expect(KEEP_ALIVE_FRAME.startsWith(':')).toBe(true);
    const [comment] = parseSse(commentFrame('closed: slow\nconsumer'));
    expect(comment?.comment).toBe('closed: slow consumer');
    expect(comment?.data).toBeNull();
    expect(parseSse(retryFrame(1500))[0]?.retry).toBe(1500);
  });

  it('jitters retry within its range', { timeout: PROPERTY_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (r) => {
        const ms = jitteredRetryMs(1000, 3000, () => r);
        expect(ms).toBeGreaterThanOrEqual(1000);
        expect(ms).toBeLessThanOrEqual(3000);
      }),
      { numRuns: 100, examples: [[0], [0.999999]] },
    );
  });
});
