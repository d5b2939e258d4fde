import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findNonFiniteNumber } from './findNonFiniteNumber.ts';

describe('findNonFiniteNumber', () => {
  it('[CONTRACT 3] names the path of a number JSON.parse made infinite', () => {
    expect(findNonFiniteNumber(JSON.parse('{"a":[1,{"b":1e400}]}'), 'input')).toBe('input.a[1].b');
    expect(findNonFiniteNumber(JSON.parse('-1e999'))).toBe('(value)');
  });

  it('finds nothing in any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(findNonFiniteNumber(JSON.parse(JSON.stringify(v)))).toBeNull();
      }),
    );
  });

  it('walks very deep values without overflowing the stack', () => {
    let deep: unknown = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findNonFiniteNumber(deep)?.endsWith('[0]')).toBe(true);
  });
});
