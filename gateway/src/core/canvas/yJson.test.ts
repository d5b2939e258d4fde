import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEEP_CONTENT_MARKER, yJson as yJsonOf } from './yJson.ts';

const yJson = (type: object, levels?: number) => yJsonOf(type as Y.AbstractType<unknown>, levels);

type Tree = { map: Record<string, Tree> } | { list: Tree[] } | { text: string } | { plain: unknown };

const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ plain: fc.jsonValue({ maxDepth: 3 }) }),
    fc.record({ text: fc.string({ maxLength: 8 }) }),
    fc.record({ map: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'id', 'text'), tie('tree'), { maxKeys: 3 }) }),
    fc.record({ list: fc.array(tie('tree'), { maxLength: 3 }) }),
  ),
})).tree;

function toY(t: Tree): unknown {
  if ('plain' in t) return t.plain;
  if ('text' in t) return new Y.Text(t.text);
  if ('list' in t) {
    const a = new Y.Array<unknown>();
    a.insert(0, t.list.map(toY));
    return a;
  }
  const m = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(t.map)) m.set(k, toY(v));
  return m;
}

describe('yJson', () => {
  it('[CONTRACT 5] equals Yjs toJSON for content within the limit (property, with deletes)', () => {
    fc.assert(
      fc.property(fc.array(treeArb, { maxLength: 4 }), fc.array(fc.nat(5), { maxLength: 3 }), (trees, drops) => {
        const doc = new Y.Doc();
        const arr = doc.getArray<unknown>('a');
        const map = doc.getMap<unknown>('m');
        arr.insert(0, trees.map(toY));
        trees.forEach((t, i) => {
          map.set(`k${i}`, toY(t));
        });
        for (const d of drops) {
          if (arr.length > 0) arr.delete(d % arr.length, 1);
          map.delete(`k${d}`);
        }
        expect(yJson(arr)).toEqual(arr.toJSON());
        expect(yJson(map)).toEqual(map.toJSON());
      }),
      { numRuns: 100 },
    );
  });

  it('[CONTRACT 3] cuts types and plain values nested past the limit with the marker', () => {
    const doc = new Y.Doc();
    const root = doc.getMap<unknown>('m');
    const inner = new Y.Map<unknown>();
    root.set('a', inner);
    inner.set('plain', { x: { y: 1 } });
    inner.set('t', new Y.Text('hi'));
    const leaf = new Y.Array<unknown>();
    inner.set('list', leaf);
    leaf.push([1]);
    expect(yJson(root, 1)).toEqual({
      a: { plain: DEEP_CONTENT_MARKER, t: DEEP_CONTENT_MARKER, list: DEEP_CONTENT_MARKER },
    });
    expect(yJson(root, 2)).toEqual({ a: { plain: { x: DEEP_CONTENT_MARKER }, t: 'hi', list: [1] } });
    expect(yJson(root, 3)).toEqual(root.toJSON());
  });
});
