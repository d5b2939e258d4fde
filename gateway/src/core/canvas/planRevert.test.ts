import type { CanvasTypeManifest } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CanvasDoc } from './CanvasDoc.ts';
import { planRevert } from './planRevert.ts';

const MANIFEST: CanvasTypeManifest = {
  type: 'mixed',
  version: '1.0.0',
  title: 'Mixed',
  roots: { notes: 'map', items: 'array', body: 'text', tree: 'xml' },
  tokens: { 'a.b': { type: 'number', default: 0 }, 'c.d': { type: 'string' } },
  tools: [],
};

type Edit = { kind: number; n: number };
function edit(c: CanvasDoc, e: Edit) {
  const d = c.doc;
  switch (e.kind) {
    case 0:
      d.getMap('notes').set(`k${e.n % 4}`, e.n % 3 === 0 ? new Y.Map([['n', e.n]]) : e.n);
      break;
    case 1:
      d.getMap('notes').delete(`k${e.n % 4}`);
      break;
    case 2: {
      const a = d.getArray<unknown>('items');
      a.insert(e.n % (a.length + 1), [e.n % 2 ? e.n : new Y.Array()]);
      break;
    }
    case 3: {
      const a = d.getArray('items');
      if (a.length > 0) a.delete(e.n % a.length, 1);
      break;
    }
    case 4: {
      const t = d.getText('body');
      t.insert(e.n % (t.length + 1), `w${e.n}`);
      break;
    }
    case 5: {
      const x = d.getXmlFragment('tree');
      const el = new Y.XmlElement('p');
      el.setAttribute('n', String(e.n));
      x.insert(0, [el]);
      break;
    }
    default:
      c.setToken(e.n % 2 ? 'a.b' : 'c.d', e.n % 2 ? e.n : `s${e.n}`, c.revision + 1);
  }
}

function view(c: CanvasDoc) {
  return {
    notes: c.rootJson('notes'),
    items: c.rootJson('items'),
    body: c.rootJson('body'),
    tree: c.rootJson('tree'),
    tokens: c.allTokens(),
  };
}

describe('planRevert', () => {
  // An explicit run count, and room for a loaded 2-core CI machine (each run builds and edits a Y.Doc).
  it('[CONTRACT 5] restores the content and tokens of an earlier state (property)', { timeout: 30_000 }, () => {
    const editArb = fc.record({ kind: fc.nat(6), n: fc.nat(50) });
    fc.assert(
      fc.property(fc.array(editArb, { maxLength: 10 }), fc.array(editArb, { maxLength: 10 }), (first, second) => {
        const c = CanvasDoc.create('t/p', 'c', MANIFEST, '', 'epoch0001');
        c.doc.transact(() => {
          for (const e of first) edit(c, e);
        });
        const target = view(c);
        const state = Y.encodeStateAsUpdate(c.doc);
        const tokens = Object.fromEntries(c.tokens);
        c.doc.transact(() => {
          for (const e of second) edit(c, e);
        });
        const plan = planRevert(c, state, tokens);
        const changed = Object.entries(view(c)).filter(
          ([k, v]) => k !== 'tokens' && JSON.stringify(v) !== JSON.stringify((target as Record<string, unknown>)[k]),
        );
        expect([...plan.roots]).toEqual(changed.map(([k]) => k).sort());
        expect(c.transactCapturing(plan.apply)).not.toBeNull();
        for (const t of plan.tokens) c.setToken(t.tokenId, t.value, c.revision + 1);
        expect(view(c)).toEqual(target);
      }),
      { numRuns: 300 },
    );
  });

  it('reverting to the empty revision 0 clears everything', () => {
    const c = CanvasDoc.create('t/p', 'c', MANIFEST, '', 'epoch0001');
    edit(c, { kind: 0, n: 1 });
    edit(c, { kind: 4, n: 2 });
    edit(c, { kind: 6, n: 3 });
    const plan = planRevert(c, null, {});
    expect(plan.roots).toEqual(['body', 'notes']);
    expect(plan.tokens).toEqual([{ tokenId: 'a.b', value: undefined }]);
    c.transactCapturing(plan.apply);
    expect(view(c)).toMatchObject({ notes: {}, body: '', items: [], tree: '' });
  });
});
