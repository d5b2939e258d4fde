import fc from 'fast-check';
import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { createUlidFactory, encodeUlidTime, fastUlid } from './fastUlid.ts';

const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const TIME_MAX = 2 ** 48 - 1;

describe('fastUlid', () => {
  it('[CONTRACT 4] ids are 26 Crockford base32 characters whose time part decodes to the given ms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TIME_MAX }), (ms) => {
        const id = fastUlid(ms);
        expect(id).toMatch(ULID_RE);
        expect(decodeTime(id)).toBe(ms);
        expect(encodeUlidTime(ms)).toBe(id.slice(0, 10));
      }),
    );
  });

  it('[CONTRACT 4] monotonic ids sort strictly in creation order, whatever the clock does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 1, maxLength: 200 }), (times) => {
        const next = createUlidFactory();
        const ids = times.map((t) => next(t));
        for (const id of ids) expect(id).toMatch(ULID_RE);
        for (let i = 1; i < ids.length; i++) expect((ids[i - 1] as string) < (ids[i] as string)).toBe(true);
        // the time part is the given time unless the clock went back (then the last one is kept)
        let max = -1;
        times.forEach((t, i) => {
          max = Math.max(max, t);
          expect(decodeTime(ids[i] as string)).toBe(max);
        });
      }),
    );
  });

  it('[CONTRACT 4] ids of one millisecond are distinct and random parts are not constant', () => {
    const plain = new Set(Array.from({ length: 5000 }, () => fastUlid(1_700_000_000_000)));
    expect(plain.size).toBe(5000);
    const firstRandomChars = new Set([...plain].map((id) => id[10]));
    expect(firstRandomChars.size).toBeGreaterThan(16);
  });

  it('refuses times outside 48 bits (programmer error)', () => {
    expect(() => fastUlid(-1)).toThrow(RangeError);
    expect(() => fastUlid(TIME_MAX + 1)).toThrow(RangeError);
    expect(() => fastUlid(1.5)).toThrow(RangeError);
    // A factory's first id too (its previous time starts unset), and a monotonic one that went back.
    for (const monotonic of [true, false]) {
      expect(() => createUlidFactory({ monotonic })(-1)).toThrow(RangeError);
      const next = createUlidFactory({ monotonic });
      next(100);
      expect(() => next(-1)).toThrow(RangeError);
      expect(() => next(1.5)).toThrow(RangeError);
      expect(next(100)).toMatch(ULID_RE);
    }
  });
});
