import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prefixUpperBound } from './prefixUpperBound.ts';
import { SpineError } from './SpineError.ts';
import { decodeEventRow, decodeOutcomeRow, decodeRecordValue, decodeSnapshotRow } from './storedRows.ts';

const junk = fc.oneof(
  fc.anything(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.constant(null),
  fc.uint8Array(),
  fc.bigInt(),
);

describe('stored row decoders', () => {
  it('[CONTRACT 4] property: random junk rows give ok or a corrupt_row error, never a throw', () => {
    fc.assert(
      fc.property(fc.array(junk, { maxLength: 6 }), (row) => {
        for (const result of [
          decodeEventRow('t/p', row),
          decodeOutcomeRow('t/p', 'cmd', row),
          decodeSnapshotRow('t/p', 'c', row),
          decodeRecordValue('k', 'k', row[0]),
        ]) {
          if (!result.ok) {
            expect(result.error).toBeInstanceOf(SpineError);
            expect(result.error.code).toBe('corrupt_row');
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('[CONTRACT 4] property: well-formed rows decode to what was stored', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.option(fc.string(), { nil: null }),
        fc.string({ minLength: 1 }),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (seq, canvasId, type, body) => {
          const envelope = JSON.stringify(body);
          const result = decodeEventRow('t/p', [seq, canvasId, type, envelope]);
          expect(result).toEqual({ ok: true, value: { seq, partition: 't/p', canvasId, type, envelope } });
        },
      ),
    );
  });

  it('[CONTRACT 4] a corrupt event names the partition, seq and field', () => {
    const result = decodeEventRow('t/p', [4, 'c', 'x', '{"trunc']);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe('corrupt event row: envelope is not JSON object text');
      expect(result.error.details).toEqual({ partition: 't/p', seq: 4 });
    }
    expect(decodeEventRow('t/p', [0, 'c', 'x', '{}']).ok).toBe(false);
    expect(decodeEventRow('t/p', [1.5, 'c', 'x', '{}']).ok).toBe(false);
    expect(decodeEventRow('t/p', [1, 'c', 'x', '[]']).ok).toBe(false);
    expect(decodeEventRow('t/p', [1, 7, 'x', '{}']).ok).toBe(false);
  });

  it('[SPINE] a snapshot state comes back as a plain Uint8Array of the same bytes', () => {
    const buffer = Buffer.from([9, 8, 7]);
    const result = decodeSnapshotRow('t/p', 'c', [3, 1, buffer, '{}']);
    expect(result.ok && result.value.state.constructor).toBe(Uint8Array);
    expect(result.ok && Array.from(result.value.state)).toEqual([9, 8, 7]);
  });
});

/** Code-point order (UTF-8 byte order), not JavaScript's UTF-16 code-unit order. */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  }
  return x.length - y.length;
}

describe('prefixUpperBound', () => {
  it('[SPINE] property: key >= prefix and key < bound exactly when key starts with prefix', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', '\uD7FF', '\uE000', '\u{10FFFF}', '\u{10FFFE}', 'é'),
      maxLength: 4,
    });
    fc.assert(
      fc.property(text, text, (prefix, key) => {
        const bound = prefixUpperBound(prefix);
        const inRange = compareCodePoints(key, prefix) >= 0 && (bound === null || compareCodePoints(key, bound) < 0);
        expect(inRange).toBe(key.startsWith(prefix));
      }),
      { numRuns: 2000 },
    );
  });

  it('[SPINE] no bound for the empty prefix or one of only U+10FFFF', () => {
    expect(prefixUpperBound('')).toBeNull();
    expect(prefixUpperBound('\u{10FFFF}\u{10FFFF}')).toBeNull();
    expect(prefixUpperBound('acme/')).toBe('acme0');
  });
});
