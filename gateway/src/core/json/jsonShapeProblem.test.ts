import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonShapeProblem, MAX_JSON_DEPTH } from './jsonShapeProblem.ts';

const nest = (levels: number, leaf: unknown = 'x'): unknown => {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
};

/** The nesting depth of a JSON value (objects and arrays; the value itself is level 1). */
function depthOf(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  return 1 + Math.max(0, ...children.map(depthOf));
}

/**
 * The level of the shallowest object with an own `"__proto__"` key (Infinity when there is none).
 * Keys only: a string value "__proto__" is fine (fast-check draws both now and then).
 */
function protoKeyLevel(v: unknown, level = 1): number {
  if (v === null || typeof v !== 'object') return Number.POSITIVE_INFINITY;
  if (!Array.isArray(v) && Object.hasOwn(v, '__proto__')) return level;
  const children = Array.isArray(v) ? v : Object.values(v);
  return Math.min(Number.POSITIVE_INFINITY, ...children.map((c) => protoKeyLevel(c, level + 1)));
}

const PROTO_MESSAGE = '"__proto__" is not allowed as an object key; rename the field';

describe('jsonShapeProblem', () => {
  it('accepts every JSON value within the depth and without a "__proto__" key', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const parsed = JSON.parse(JSON.stringify(value)) as unknown;
        fc.pre(protoKeyLevel(parsed) === Number.POSITIVE_INFINITY);
        expect(jsonShapeProblem(parsed, 9)).toBeNull();
      }),
    );
  });

  it('finds nesting one level over the limit, and only then, with the path to the first deep node', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 1, max: 8 }), (value, max) => {
        const problem = jsonShapeProblem(value, max);
        // fast-check's jsonValue now and then holds a "__proto__" key (a problem of its own); the
        // depth-first walk reports whichever problem it meets first.
        const allowed = [
          ...(depthOf(value) > max ? [`nested deeper than ${max} levels; flatten the value`] : []),
          ...(protoKeyLevel(value) <= max ? [PROTO_MESSAGE] : []),
        ];
        if (allowed.length === 0) expect(problem).toBeNull();
        else expect(allowed).toContain(problem?.message);
      }),
      { examples: [[JSON.parse('{"":{"__proto__":null}}'), 2]] },
    );
    expect(jsonShapeProblem(nest(MAX_JSON_DEPTH))).toBeNull();
    expect(jsonShapeProblem({ list: [1, [2, nest(3)]] }, 4)).toEqual({
      path: 'list[1][1].a',
      message: 'nested deeper than 4 levels; flatten the value',
    });
  });

  it('does not overflow the stack on any depth, and cuts a long path', () => {
    const problem = jsonShapeProblem(JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`));
    expect(problem?.path).toBe('[0]'.repeat(MAX_JSON_DEPTH));
    const long = jsonShapeProblem(JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`), 100);
    expect(long?.path).toMatch(/^(\[0\])+\[0?…$/);
    expect(long?.path.length).toBe(201);
  });

  it('finds a "__proto__" key, also one written with an escape, and leaves "constructor" alone', () => {
    const parsed = JSON.parse('{"ops":[{"value":{"ok":1,"\\u005f_proto__":{"polluted":true}}}]}') as unknown;
    expect(jsonShapeProblem(parsed)).toEqual({
      path: 'ops[0].value.__proto__',
      message: '"__proto__" is not allowed as an object key; rename the field',
    });
    expect(jsonShapeProblem(JSON.parse('{"__proto__":1}'))?.path).toBe('__proto__');
    expect(jsonShapeProblem({ constructor: { prototype: 1 } })).toBeNull();
    // A "__proto__" key within the depth limit: fast-check once drew it for the nesting property.
    expect(jsonShapeProblem(JSON.parse('{"":{"__proto__":null}}'), 2)).toEqual({
      path: '[""].__proto__',
      message: PROTO_MESSAGE,
    });
    expect(jsonShapeProblem(JSON.parse('{"a":{"":[{"__proto__":1}]}}'))?.path).toBe('a[""][0].__proto__');
    expect(jsonShapeProblem({ a: { b: '__proto__' } }, 2)).toBeNull();
    expect(jsonShapeProblem('text')).toBeNull();
    expect(jsonShapeProblem(null)).toBeNull();
  });
});
