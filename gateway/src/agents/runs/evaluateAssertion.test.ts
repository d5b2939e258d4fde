import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateAssertion } from './evaluateAssertion.ts';
import { resolvePointer } from './jsonPointer.ts';

const doc = {
  state: { notes: { a: { text: 'hello world' }, 'x/y': 1, 't~n': 2 }, items: [10, 20] },
  tokens: { 'plan.title': 'Q3' },
  output: { text: 'done', tools: { 'canvas-stats.stats': { board: { notes: 2 } } } },
};

describe('[CONTRACT 10] VerifyContract assertions', () => {
  it('resolves JSON pointers (RFC 6901, escapes, array indexes)', () => {
    expect(resolvePointer(doc, '')).toEqual({ found: true, value: doc });
    expect(resolvePointer(doc, '/state/notes/x~1y')).toEqual({ found: true, value: 1 });
    expect(resolvePointer(doc, '/state/notes/t~0n')).toEqual({ found: true, value: 2 });
    expect(resolvePointer(doc, '/state/items/1')).toEqual({ found: true, value: 20 });
    expect(resolvePointer(doc, '/state/items/01').found).toBe(false);
    expect(resolvePointer(doc, '/state/items/2').found).toBe(false);
    expect(resolvePointer(doc, '/state/notes/a/text/0').found).toBe(false);
    expect(resolvePointer(doc, 'state').found).toBe(false);
  });

  it('any path built from keys resolves to what it names (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }), fc.integer(), (keys, leaf) => {
        let value: unknown = leaf;
        for (const key of [...keys].reverse()) value = { [key]: value };
        const pointer = keys.map((k) => `/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
        expect(resolvePointer(value as never, pointer)).toEqual({ found: true, value: leaf });
      }),
    );
  });

  it.each([
    [{ id: 'e', path: '/tokens/plan.title', op: 'exists' }, true],
    [{ id: 'e', path: '/tokens/nope', op: 'exists' }, false],
    [{ id: 'e', path: '/tokens/nope', op: 'exists', value: false }, true],
    [{ id: 'q', path: '/output/tools/canvas-stats.stats/board', op: 'equals', value: { notes: 2 } }, true],
    [{ id: 'q', path: '/output/text', op: 'equals', value: 'not done' }, false],
    [{ id: 'm', path: '/state/notes/a/text', op: 'matches', value: '^hello\\b' }, true],
    [{ id: 'm', path: '/state/notes/a/text', op: 'matches', value: '^bye' }, false],
    [{ id: 'n', path: '/state/notes', op: 'gte', value: 3 }, true],
    [{ id: 'n', path: '/state/items', op: 'lte', value: 1 }, false],
    [{ id: 'n', path: '/output/tools/canvas-stats.stats/board/notes', op: 'lte', value: 2 }, true],
    [{ id: 'c', path: '/state/items', op: 'contains', value: 20 }, true],
    [{ id: 'c', path: '/state/notes', op: 'contains', value: 'a' }, true],
    [{ id: 'c', path: '/output/text', op: 'contains', value: 'on' }, true],
    [{ id: 'c', path: '/output/text', op: 'contains', value: 'xyz' }, false],
  ] as const)('%o → %s', (assertion, expected) => {
    const outcome = evaluateAssertion(doc, assertion as never);
    expect(outcome.ok).toBe(expected);
    if (!expected)
      expect(outcome.message).toMatch(new RegExp(`^${assertion.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
  });
});
