import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySplice, textDiff } from './textDiff.ts';

describe('textDiff', () => {
  it('turns any text into any other with one splice', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        (a, b) => {
          const splice = textDiff(a, b);
          if (a === b) expect(splice).toBeNull();
          else expect(applySplice(a, splice!)).toBe(b);
        },
      ),
    );
  });

  it('keeps the common prefix and suffix (a typed character is one insert)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 20 }),
        fc.string({ minLength: 1, maxLength: 5 }),
        (pre, post, typed) => {
          const splice = textDiff(pre + post, pre + typed + post)!;
          expect(splice.remove).toBe(0);
          expect(splice.insert.length).toBe(typed.length);
        },
      ),
    );
  });

  it('never splits a surrogate pair', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 12 }),
        fc.string({ unit: 'grapheme', maxLength: 12 }),
        (a, b) => {
          const splice = textDiff(a, b);
          if (splice === null) return;
          const cut = (text: string, at: number) => {
            const code = text.charCodeAt(at);
            return at > 0 && at < text.length && code >= 0xdc00 && code <= 0xdfff;
          };
          expect(cut(a, splice.index)).toBe(false);
          expect(cut(a, splice.index + splice.remove)).toBe(false);
        },
      ),
    );
    expect(applySplice('a😀b', textDiff('a😀b', 'a😃b')!)).toBe('a😃b');
  });
});
