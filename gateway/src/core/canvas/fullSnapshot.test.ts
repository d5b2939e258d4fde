import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cachedSnapshotBytes, fullSnapshot } from './fullSnapshot.ts';
import { redactedState } from './redactUpdate.ts';
import { MAX_VIEWS_PER_DOC } from './RevisionCache.ts';
import { rootView } from './rootView.ts';

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

  it('[CONTRACT 4] a restricted view: its redacted state, encoded once per revision and set of readable roots', () => {
    const doc = bigDoc(3000);
    doc.getMap('secret').set('plan', 'the hidden plan');
    const manifest = { blocks: 'array', secret: 'map' };
    const viewOf = (readable: string[]) => rootView(doc, manifest, (r) => readable.includes(r));
    const first = fullSnapshot(doc, viewOf(['blocks']));
    expect(first).toBe(Buffer.from(redactedState(doc, (r) => r === 'blocks')).toString('base64'));
    expect(decoded(first)).toEqual(doc.getArray('blocks').toJSON());
    const hidden = new Y.Doc();
    Y.applyUpdate(hidden, Buffer.from(first, 'base64'));
    expect(hidden.getMap('secret').toJSON()).toEqual({});
    // Another viewer with the same readable roots (another lens object): the same cached bytes.
    const bytes = cachedSnapshotBytes(first);
    expect(bytes).toBeInstanceOf(Buffer);
    expect(cachedSnapshotBytes(fullSnapshot(doc, viewOf(['blocks'])))).toBe(bytes);
    // Another set of readable roots, and the full view, are their own states.
    const other = fullSnapshot(doc, viewOf(['secret']));
    expect(other).not.toBe(first);
    expect(decoded(other)).toEqual([]);
    expect(fullSnapshot(doc)).toBe(Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64'));
    expect(cachedSnapshotBytes(fullSnapshot(doc, viewOf(['blocks'])))).toBe(bytes);
    // A transaction drops every view's state.
    doc.getMap('secret').set('plan', 'changed');
    expect(cachedSnapshotBytes(first)).toBeUndefined();
    const after = fullSnapshot(doc, viewOf(['blocks']));
    expect(cachedSnapshotBytes(after)).not.toBe(bytes);
  });

  it('[CONTRACT 4] at most MAX_VIEWS_PER_DOC views are kept per document, the oldest dropped first', () => {
    const doc = bigDoc(3000);
    const manifest: Record<string, string> = { blocks: 'array' };
    for (let i = 0; i <= MAX_VIEWS_PER_DOC; i++) {
      manifest[`r${i}`] = 'map';
      doc.getMap(`r${i}`).set('v', i);
    }
    const texts = Array.from({ length: MAX_VIEWS_PER_DOC + 1 }, (_, i) =>
      fullSnapshot(
        doc,
        rootView(doc, manifest, (r) => r === 'blocks' || r === `r${i}`),
      ),
    );
    expect(new Set(texts).size).toBe(texts.length);
    expect(cachedSnapshotBytes(texts[0]!)).toBeUndefined(); // the oldest view was dropped
    for (const text of texts.slice(1)) expect(cachedSnapshotBytes(text)).toBeInstanceOf(Buffer);
  });
});
