import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCursors, type Cursor, decodeCursor, encodeCursor } from './cursor.ts';

const epochArb = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
  minLength: 8,
  maxLength: 16,
});
const cursorArb: fc.Arbitrary<Cursor> = fc.record({ epoch: epochArb, seq: fc.maxSafeNat() });

describe('[CONTRACT 4] cursor codec', () => {
  it('decode(encode(c)) is c', () => {
    fc.assert(
      fc.property(cursorArb, (c) => {
        expect(decodeCursor(encodeCursor(c))).toEqual({ ok: true, value: c });
      }),
    );
  });

  it('encode(decode(text)) is text for every well-formed text', () => {
    fc.assert(
      fc.property(cursorArb, (c) => {
        const text = encodeCursor(c);
        const back = decodeCursor(text);
        expect(back.ok && encodeCursor(back.value)).toBe(text);
      }),
    );
  });

  it('compare order is seq order within an epoch', () => {
    fc.assert(
      fc.property(epochArb, fc.maxSafeNat(), fc.maxSafeNat(), (epoch, a, b) => {
        const ca = decodeCursor(encodeCursor({ epoch, seq: a }));
        const cb = decodeCursor(encodeCursor({ epoch, seq: b }));
        if (!ca.ok || !cb.ok) throw new Error('decode failed');
        expect(Math.sign(compareCursors(ca.value, cb.value))).toBe(Math.sign(a - b));
      }),
    );
  });

  it('refuses to compare cursors of different epochs (programmer error)', () => {
    expect(() => compareCursors({ epoch: 'aaaaaaaa', seq: 1 }, { epoch: 'bbbbbbbb', seq: 1 })).toThrow(RangeError);
  });

  it('junk decodes to ok:false with a reason and never throws', () => {
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        const r = decodeCursor(junk);
        if (r.ok) {
          // Only a well-formed text may decode, and it must re-encode to itself.
          expect(typeof junk).toBe('string');
          expect(encodeCursor(r.value)).toBe(junk);
        } else {
          expect(r.reason.length).toBeGreaterThan(0);
        }
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const r = decodeCursor(text);
        if (r.ok) expect(encodeCursor(r.value)).toBe(text);
      }),
    );
  });

  it.each([
    '',
    'abc-1',
    'ABCDEFGH-1',
    'abcdefgh-',
    'abcdefgh-01',
    'abcdefgh--1',
    'abcdefgh-1.5',
    'abcdefgh-99999999999999999',
    'abcdefghijklmnopq-1',
    'abcdefgh_1',
    ' abcdefgh-1',
  ])('rejects %j', (text) => {
    expect(decodeCursor(text).ok).toBe(false);
  });

  it('encode throws on a malformed epoch or seq (programmer error)', () => {
    expect(() => encodeCursor({ epoch: 'short', seq: 1 })).toThrow(RangeError);
    expect(() => encodeCursor({ epoch: 'abcdefgh', seq: -1 })).toThrow(RangeError);
    expect(() => encodeCursor({ epoch: 'abcdefgh', seq: 1.5 })).toThrow(RangeError);
  });
});
