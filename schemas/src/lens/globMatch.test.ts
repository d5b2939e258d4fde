import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch, globMatchAny } from './globMatch.ts';

/** Reference implementation: the glob as an anchored regex. */
function viaRegex(pattern: string, name: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(name);
}

describe('[CONTRACT 6] globMatch', () => {
  it.each([
    ['*', 'anything.at.all', true],
    ['*', '', true],
    ['plan.*', 'plan.title', true],
    ['plan.*', 'plan.', true],
    ['plan.*', 'plan', false],
    ['plan.*', 'planner.x', false],
    ['plan.*', 'xplan.title', false],
    ['notes', 'notes', true],
    ['notes', 'notes2', false],
    ['notes', 'note', false],
    ['token.*', 'token.set', true],
    ['state.*', 'chat.send', false],
    ['*.send', 'chat.send', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXcYYb', false],
    ['**', 'x', true],
    ['a?c', 'abc', false],
    ['a.c', 'abc', false],
  ])('globMatch(%j, %j) is %s', (pattern, name, expected) => {
    expect(globMatch(pattern, name)).toBe(expected);
  });

  it('agrees with an anchored regex for random patterns', () => {
    const unit = fc.constantFrom('a', 'b', '.', '*');
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '.'), maxLength: 12 }),
        (pattern, name) => {
          expect(globMatch(pattern, name)).toBe(viaRegex(pattern, name));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a pattern without * matches only itself', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 10 }).filter((p) => !p.includes('*')),
        fc.string({ maxLength: 10 }),
        (p, n) => {
          expect(globMatch(p, n)).toBe(p === n);
        },
      ),
    );
  });

  it('globMatchAny is the union', () => {
    expect(globMatchAny(['plan.*', 'notes'], 'notes')).toBe(true);
    expect(globMatchAny(['plan.*', 'notes'], 'style.color')).toBe(false);
    expect(globMatchAny([], 'x')).toBe(false);
  });
});
