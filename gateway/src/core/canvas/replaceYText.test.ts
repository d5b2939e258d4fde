import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { replaceYText } from './replaceYText.ts';

function textOf(content: string): { doc: Y.Doc; text: Y.Text } {
  const doc = new Y.Doc();
  const text = doc.getText('t');
  text.insert(0, content);
  return { doc, text };
}

describe('replaceYText', () => {
  it('makes the text read the new content (property, surrogate pairs included)', () => {
    const str = fc.string({ unit: fc.constantFrom('a', 'b', '😀', '😁', ' '), maxLength: 12 });
    fc.assert(
      fc.property(str, str, (before, after) => {
        const { doc, text } = textOf(before);
        doc.transact(() => replaceYText(text, after));
        expect(text.toString()).toBe(after);
        expect(text.toString().includes('\uFFFD')).toBe(false);
      }),
    );
  });

  it('keeps a concurrent insertion outside the rewritten span in its place', () => {
    const { doc, text } = textOf('the quick fox');
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
    peer.getText('t').insert(0, '>> ');
    doc.transact(() => replaceYText(text, 'the slow fox'));
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer));
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
    expect(text.toString()).toBe('>> the slow fox');
    expect(peer.getText('t').toString()).toBe('>> the slow fox');
  });

  it('does nothing when the content is already there', () => {
    const { doc, text } = textOf('same');
    const before = Y.encodeStateVector(doc);
    doc.transact(() => replaceYText(text, 'same'));
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });
});
