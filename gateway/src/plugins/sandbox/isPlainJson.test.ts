import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainJson, MAX_PLAIN_DEPTH, plainJsonSize } from './isPlainJson.mjs';

/** `n` arrays nested in each other around `leaf`. */
function nested(n: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < n; i++) value = [value];
  return value;
}

/** `[1, <hole>, 3]`. */
function withHole(): unknown[] {
  const list = [1];
  list[2] = 3;
  return list;
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

/** Values JSON turns into something else, refuses, or that are not data at all. */
const NOT_PLAIN: Array<[string, () => unknown]> = [
  ['undefined', () => undefined],
  ['NaN', () => Number.NaN],
  ['Infinity', () => Number.POSITIVE_INFINITY],
  ['-Infinity', () => Number.NEGATIVE_INFINITY],
  ['a BigInt', () => 1n],
  ['a symbol', () => Symbol('s')],
  ['a function', () => () => 1],
  ['a Date', () => new Date(0)],
  ['a Map', () => new Map([['a', 1]])],
  ['a Set', () => new Set([1])],
  ['a Buffer', () => Buffer.from('ab')],
  ['a Uint8Array', () => new Uint8Array([1])],
  ['a RegExp', () => /x/],
  ['an Error', () => new Error('x')],
  ['a class instance', () => new Point(1, 2)],
  ['an object with another prototype', () => Object.create({ inherited: 1 })],
  ['a boxed string', () => new String('x')],
  ['an object with toJSON', () => ({ a: 1, toJSON: () => 'x' })],
  ['an array with toJSON', () => Object.assign([1], { toJSON: () => 'x' })],
  ['an object with an undefined value', () => ({ a: 1, b: undefined })],
  ['an array holding undefined', () => [1, undefined]],
  ['an array with a hole', () => withHole()],
  ['a subclass of Array', () => new (class List extends Array {})()],
];

/** JSON data that MessagePack would not carry unchanged: only the exact (sender's) check refuses it. */
const NOT_EXACT: Array<[string, () => unknown]> = [
  ['a lone surrogate', () => 'a\ud800b'],
  ['a lone low surrogate in a key', () => Object.fromEntries([['\udc00', 1]])],
  ['an own __proto__ key', () => JSON.parse('{"__proto__": {"x": 1}}')],
  ['a __keys__ key', () => ({ __keys__: 1 })],
];

describe('[CONTRACT 9] isPlainJson: plain JSON data, which MessagePack records carry unchanged', () => {
  it('[CONTRACT 9] any JSON value from JSON.parse with well-formed strings is plain, exactly and by kinds', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const parsed = JSON.parse(JSON.stringify(value)) as unknown;
        expect(isPlainJson(parsed)).toBe(!hasReservedKey(parsed));
        expect(isPlainJson(parsed, false)).toBe(true);
      }),
      {
        numRuns: 300,
        // A string value "__proto__" is plain; only a key is not (fast-check drew the first once).
        examples: [[{ '': { '': '__proto__' } }], [JSON.parse('{"a":[{"__proto__":1}]}')], [{ b: { __keys__: 2 } }]],
      },
    );
  });

  it('[CONTRACT 9] any string: plain exactly iff it is well-formed UTF-16; always by kinds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), (text) => {
        const wellFormed = !/\p{Surrogate}/u.test(text);
        expect(isPlainJson(text)).toBe(wellFormed);
        expect(isPlainJson({ [text]: [text] })).toBe(wellFormed && text !== '__proto__' && text !== '__keys__');
        expect(isPlainJson(text, false)).toBe(true);
      }),
    );
  });

  it.each(NOT_PLAIN)('[CONTRACT 9] %s is not plain, alone or nested anywhere', (_name, make) => {
    expect(isPlainJson(make())).toBe(false);
    expect(isPlainJson({ a: [1, { b: make() }] })).toBe(false);
    expect(isPlainJson([0, [make()]], false)).toBe(false);
    expect(isPlainJson({ a: { b: make() } }, false)).toBe(false);
  });

  it.each(NOT_EXACT)('[CONTRACT 9] %s is JSON data but not exactly plain', (_name, make) => {
    expect(isPlainJson(make())).toBe(false);
    expect(isPlainJson({ a: [make()] })).toBe(false);
    expect(isPlainJson(make(), false)).toBe(true);
  });

  it('[CONTRACT 9] null-prototype objects, -0, empty containers and non-enumerable extras are plain', () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1, b: [true, null, 'x'] });
    expect(isPlainJson(bare)).toBe(true);
    expect(isPlainJson([-0, 0, 1.5, -1e300, Number.MAX_SAFE_INTEGER, {}, []])).toBe(true);
    const hidden = { a: 1 };
    Object.defineProperty(hidden, 'secret', { value: new Date(0), enumerable: false });
    expect(isPlainJson(hidden)).toBe(true);
    expect(isPlainJson({ constructor: 1, hasOwnProperty: 2, valueOf: 'x', toJSON: undefined })).toBe(false);
    expect(isPlainJson({ constructor: 1, hasOwnProperty: 2, valueOf: 'x' })).toBe(true);
  });

  it(`[CONTRACT 9] nesting: ${MAX_PLAIN_DEPTH} containers deep is plain, one more is not; a cycle is not (no throw)`, () => {
    expect(isPlainJson(nested(MAX_PLAIN_DEPTH))).toBe(true);
    expect(isPlainJson(nested(MAX_PLAIN_DEPTH + 1))).toBe(false);
    expect(isPlainJson(nested(MAX_PLAIN_DEPTH + 1), false)).toBe(false);
    expect(isPlainJson(nested(MAX_PLAIN_DEPTH, 'leaf'))).toBe(true);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(isPlainJson(cyclic)).toBe(false);
    expect(isPlainJson(cyclic, false)).toBe(false);
  });

  it('[CONTRACT 9] plainJsonSize: -1 exactly when not exactly plain, else a rough JSON length', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const parsed = JSON.parse(JSON.stringify(value)) as unknown;
        const size = plainJsonSize(parsed);
        expect(size >= 0).toBe(isPlainJson(parsed));
        if (size < 0) return;
        const length = JSON.stringify(parsed).length;
        expect(size).toBeLessThanOrEqual(2 * length + 4);
        // A number counts 4 however long its text (up to 25 characters: -0.0000010001073801240982,
        // which once failed a bound without this allowance).
        expect(6 * size + 25 * countNumbers(parsed)).toBeGreaterThanOrEqual(length);
      }),
      { numRuns: 300 },
    );
    for (const [, make] of [...NOT_PLAIN, ...NOT_EXACT]) expect(plainJsonSize({ a: [make()] })).toBe(-1);
    expect(plainJsonSize('x'.repeat(5000))).toBe(5002);
    expect(plainJsonSize({ blocks: [{ id: 'b1', x: 1 }] })).toBeGreaterThan(
      JSON.stringify({ blocks: [{ id: 'b1', x: 1 }] }).length / 2,
    );
  });
});

/** Whether a JSON value holds an own key `__proto__` or `__keys__` at any depth (keys, not string values). */
function hasReservedKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (!Array.isArray(value) && (Object.hasOwn(value, '__proto__') || Object.hasOwn(value, '__keys__'))) return true;
  return Object.values(value).some(hasReservedKey);
}

/** How many numbers a JSON value holds. */
function countNumbers(value: unknown): number {
  if (typeof value === 'number') return 1;
  if (value === null || typeof value !== 'object') return 0;
  return Object.values(value).reduce((n: number, v) => n + countNumbers(v), 0);
}
