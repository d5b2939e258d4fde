import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RevisionCache } from './RevisionCache.ts';

// The per-revision store behind fullSnapshot/fullState (CANVAS_READY snapshots, WIRE-NOTES paint
// first): values per view key, dropped on the document's next transaction or destroy, bounded per doc.

describe('RevisionCache', () => {
  it('[CONTRACT 4] keeps a value per key until the next transaction of its document, for that document only', () => {
    const dropped: string[] = [];
    const cache = new RevisionCache<string>(8, (v) => dropped.push(v));
    const a = new Y.Doc();
    const b = new Y.Doc();
    cache.set(a, 'k1', 'a1');
    cache.set(a, 'k2', 'a2');
    cache.set(b, 'k1', 'b1');
    expect([cache.get(a, 'k1'), cache.get(a, 'k2'), cache.get(b, 'k1'), cache.get(b, 'k2')]).toEqual([
      'a1',
      'a2',
      'b1',
      undefined,
    ]);
    a.getMap('m').set('x', 1);
    expect(cache.get(a, 'k1')).toBeUndefined();
    expect(cache.get(a, 'k2')).toBeUndefined();
    expect(cache.size(a)).toBe(0);
    expect(dropped.sort()).toEqual(['a1', 'a2']);
    expect(cache.get(b, 'k1')).toBe('b1');
    // Kept again after the drop, and dropped again by the next one (the listener is re-registered).
    cache.set(a, 'k1', 'a1v2');
    expect(cache.get(a, 'k1')).toBe('a1v2');
    a.getMap('m').delete('x');
    expect(cache.get(a, 'k1')).toBeUndefined();
    b.destroy();
    expect(cache.get(b, 'k1')).toBeUndefined();
    expect(dropped.sort()).toEqual(['a1', 'a1v2', 'a2', 'b1']);
  });

  it('[CONTRACT 4] keeps at most maxPerDoc keys per document, dropping the oldest first', () => {
    const dropped: string[] = [];
    const cache = new RevisionCache<string>(3, (v) => dropped.push(v));
    const doc = new Y.Doc();
    for (const k of ['a', 'b', 'c', 'd', 'e']) cache.set(doc, k, `v${k}`);
    expect(cache.size(doc)).toBe(3);
    expect(['a', 'b', 'c', 'd', 'e'].map((k) => cache.get(doc, k))).toEqual([undefined, undefined, 'vc', 'vd', 've']);
    expect(dropped).toEqual(['va', 'vb']);
    // Setting a kept key again makes it the newest.
    cache.set(doc, 'c', 'vc2');
    cache.set(doc, 'f', 'vf');
    expect(['c', 'd', 'e', 'f'].map((k) => cache.get(doc, k))).toEqual(['vc2', undefined, 've', 'vf']);
    expect(dropped).toEqual(['va', 'vb', 'vc', 'vd']);
  });

  it('rejects a bound below 1 (a programmer error)', () => {
    expect(() => new RevisionCache<string>(0)).toThrow(RangeError);
  });
});
