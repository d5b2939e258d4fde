import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ALL_ROOTS, rootView } from './rootView.ts';

// Which roots a viewer reads, as the key of its cached CANVAS_READY snapshot (contract §6 lens).

const MANIFEST = { notes: 'map', layout: 'map', body: 'text' } as const;

describe('rootView', () => {
  it('[CONTRACT 6] a viewer who reads every manifest root reads the whole state', () => {
    const doc = new Y.Doc();
    expect(rootView(doc, MANIFEST, () => true)).toBe(ALL_ROOTS);
    expect(rootView(doc, MANIFEST, (r) => r !== 'stray')).toBe(ALL_ROOTS);
  });

  it('[CONTRACT 6] equal keys exactly when the readable roots are equal (manifest and document roots)', () => {
    const doc = new Y.Doc();
    doc.getMap('stray').set('x', 1); // a root of the document the manifest does not name
    const names = [...Object.keys(MANIFEST), 'stray'];
    const subsets = fc.subarray(names);
    fc.assert(
      fc.property(subsets, subsets, (a, b) => {
        const va = rootView(doc, MANIFEST, (r) => a.includes(r));
        const vb = rootView(doc, MANIFEST, (r) => b.includes(r));
        const allA = Object.keys(MANIFEST).every((r) => a.includes(r));
        const allB = Object.keys(MANIFEST).every((r) => b.includes(r));
        const same = allA && allB ? true : [...a].sort().join() === [...b].sort().join();
        expect(va.key === vb.key).toBe(same);
        for (const r of names) expect(va.canRead(r)).toBe(allA || a.includes(r));
        expect(va.all).toBe(allA);
      }),
      { numRuns: 200 },
    );
  });
});
