import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isNewerVersion } from './isNewerVersion.ts';

describe('isNewerVersion', () => {
  it('compares major.minor.patch as numbers', () => {
    expect(isNewerVersion('1.1.0', '1.0.0')).toBe(true);
    expect(isNewerVersion('1.10.0', '1.9.9')).toBe(true);
    expect(isNewerVersion('2.0.0', '1.99.99')).toBe(true);
    expect(isNewerVersion('1.0.0', '1.0.0')).toBe(false);
    expect(isNewerVersion('1.0.0', '1.1.0')).toBe(false);
    expect(isNewerVersion('1.1.0-beta', '1.1.0')).toBe(false);
    expect(isNewerVersion('one', '1.0.0')).toBe(false);
    expect(isNewerVersion('1.0.1', 'x')).toBe(false);
  });

  it('is a strict order: never both ways, one way unless equal (property)', () => {
    const v = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map((t) => t.join('.'));
    fc.assert(
      fc.property(v, v, (a, b) => {
        const ab = isNewerVersion(a, b);
        const ba = isNewerVersion(b, a);
        expect(ab && ba).toBe(false);
        expect(ab || ba).toBe(a !== b);
      }),
    );
  });
});
