import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyStateOps } from './applyStateOps.ts';

describe('applyStateOps (the recorded gateway)', () => {
  it('[CONTRACT 5] stores strings under declared text fields as Y.Text, nested too, as the gateway does', () => {
    const doc = new Y.Doc();
    const applied = applyStateOps(
      doc,
      { blocks: 'array' },
      [
        {
          op: 'insert',
          root: 'blocks',
          value: { id: 'b1', kind: 'p', text: 'hello', children: [{ id: 'b2', kind: 'p', text: 'inner' }] },
        },
      ],
      { blocks: ['text'] },
    );
    expect(applied.ok).toBe(true);
    const block = doc.getArray('blocks').get(0) as Y.Map<unknown>;
    expect(block.get('text')).toBeInstanceOf(Y.Text);
    expect(block.get('kind')).toBe('p');
    const child = (block.get('children') as Y.Array<Y.Map<unknown>>).get(0);
    expect(child.get('text')).toBeInstanceOf(Y.Text);
    expect(doc.getArray('blocks').toJSON()).toEqual([
      { id: 'b1', kind: 'p', text: 'hello', children: [{ id: 'b2', kind: 'p', text: 'inner' }] },
    ]);
    applyStateOps(
      doc,
      { blocks: 'array' },
      [{ op: 'update', root: 'blocks', index: 0, path: ['text'], value: 'bye' }],
      {
        blocks: ['text'],
      },
    );
    expect((doc.getArray('blocks').get(0) as Y.Map<unknown>).get('text')).toBeInstanceOf(Y.Text);
  });

  it('without a declaration, strings stay strings', () => {
    const doc = new Y.Doc();
    applyStateOps(doc, { notes: 'map' }, [{ op: 'insert', root: 'notes', key: 'n1', value: { text: 'x' } }]);
    expect((doc.getMap('notes').get('n1') as Y.Map<unknown>).get('text')).toBe('x');
  });
});
