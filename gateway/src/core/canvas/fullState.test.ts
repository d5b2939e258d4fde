import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { cachedJsonBytes, cachedJsonText, fullState, jsonWithCachedState } from './fullState.ts';
import { rootView } from './rootView.ts';

// CANVAS_READY `snapshot.state` (paint first) and GET /v1/canvases/{id} `state`: the JSON of the
// roots a viewer reads, built once per revision and set of readable roots when large.

const MANIFEST = { notes: 'map', secret: 'map', body: 'text' } as const;

function bigDoc(notes: number): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    const map = doc.getMap('notes');
    for (let i = 0; i < notes; i++) map.set(`n${i}`, `note ${i}: a line of text of a note`);
    doc.getMap('secret').set('plan', 'the hidden plan');
    doc.getText('body').insert(0, 'hello');
  });
  return doc;
}

describe('fullState', () => {
  it('[CONTRACT 4] holds the readable roots only, in manifest order, as a fresh walk would', () => {
    for (const doc of [bigDoc(3), bigDoc(3000)]) {
      const view = rootView(doc, MANIFEST, (r) => r !== 'secret');
      const state = fullState(doc, MANIFEST, view);
      expect(Object.keys(state)).toEqual(['notes', 'body']);
      expect(state).toEqual({ notes: doc.getMap('notes').toJSON(), body: 'hello' });
      expect(Object.keys(fullState(doc, MANIFEST))).toEqual(['notes', 'secret', 'body']);
    }
  });

  it('[CONTRACT 4] a large state is shared by every viewer of one view until the next transaction; views differ', () => {
    const doc = bigDoc(3000);
    const view = () => rootView(doc, MANIFEST, (r) => r === 'notes');
    const first = fullState(doc, MANIFEST, view());
    expect(fullState(doc, MANIFEST, view())).toBe(first);
    expect(cachedJsonText(first)).toBe(JSON.stringify(first));
    expect(cachedJsonBytes(first)?.equals(Buffer.from(JSON.stringify(first)))).toBe(true);
    expect(cachedJsonBytes(fullState(doc, MANIFEST, view()))).toBe(cachedJsonBytes(first));
    const full = fullState(doc, MANIFEST);
    const wider = fullState(
      doc,
      MANIFEST,
      rootView(doc, MANIFEST, (r) => r !== 'secret'),
    );
    expect(new Set([first, full, wider]).size).toBe(3);
    expect(fullState(doc, MANIFEST, view())).toBe(first);
    const body: { revision: number; state: unknown } = { revision: 1, state: first };
    const { head, bytes, tail } = jsonWithCachedState(body);
    expect(head + bytes!.toString() + tail).toBe(JSON.stringify(body));
    doc.getMap('notes').set('n0', 'edited');
    const after = fullState(doc, MANIFEST, view());
    expect(after).not.toBe(first);
    expect((after.notes as Record<string, string>).n0).toBe('edited');
  });

  it('[CONTRACT 4] a small state is not cached (cheap to redo)', () => {
    const doc = bigDoc(3);
    const state = fullState(
      doc,
      MANIFEST,
      rootView(doc, MANIFEST, (r) => r === 'notes'),
    );
    expect(cachedJsonText(state)).toBeUndefined();
  });
});
