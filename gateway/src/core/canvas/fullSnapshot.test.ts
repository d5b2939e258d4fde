import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fullSnapshot } from './fullSnapshot.ts';

function bigDoc(blocks: number): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    const items = Array.from({ length: blocks }, (_, i) => {
      const block = new Y.Map<unknown>();
      block.set('id', `b${i}`);
      block.set('text', `Block ${i}: some text of a block.`);
      return block;
    });
    doc.getArray('blocks').insert(0, items);
  });
  return doc;
}

const decoded = (text: string) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(text, 'base64'));
  return doc.getArray('blocks').toJSON();
};

describe('fullSnapshot (CANVAS_READY snapshot.update)', () => {
  it('[CONTRACT 4] is the base64 of the whole Yjs state, small or large', () => {
    for (const doc of [bigDoc(3), bigDoc(3000)]) {
      expect(fullSnapshot(doc)).toBe(Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64'));
      expect(decoded(fullSnapshot(doc))).toEqual(doc.getArray('blocks').toJSON());
    }
  });

  it('[CONTRACT 4] a large state is reused until the next transaction: inserts and deletes alike', () => {
    const doc = bigDoc(3000);
    const first = fullSnapshot(doc);
    expect(first.length).toBeGreaterThan(64 * 1024);
    expect(fullSnapshot(doc)).toBe(first); // the same string, not encoded again
    doc.getArray('blocks').delete(0, 1); // a delete leaves the state vector as it was
    const afterDelete = fullSnapshot(doc);
    expect(afterDelete).not.toBe(first);
    expect(decoded(afterDelete)).toHaveLength(2999);
    (doc.getArray('blocks').get(0) as Y.Map<unknown>).set('text', 'edited');
    const afterEdit = fullSnapshot(doc);
    expect(decoded(afterEdit)[0]).toMatchObject({ id: 'b1', text: 'edited' });
    expect(fullSnapshot(doc)).toBe(afterEdit);
  });
});
