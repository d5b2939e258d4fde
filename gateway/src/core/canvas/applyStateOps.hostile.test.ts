import type { CanvasTypeManifest, JsonValue, StateOp } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyStateOps } from './applyStateOps.ts';
import { CanvasDoc } from './CanvasDoc.ts';

const MANIFEST: CanvasTypeManifest = {
  type: 'doc',
  version: '1.0.0',
  title: 'Doc',
  roots: { blocks: 'array', notes: 'map', body: 'text' },
  tokens: {},
  tools: [],
  text_fields: { blocks: ['text'] },
};

function canvas(): CanvasDoc {
  return CanvasDoc.create('t/p', 'c', MANIFEST, '', 'epoch0001');
}

const run = (c: CanvasDoc, ops: StateOp[]) => applyStateOps(c, () => true, ops);

describe('applyStateOps: hostile input (contract §3)', () => {
  it('[CONTRACT 3] roots named like Object.prototype properties are not declared; nothing applies', () => {
    for (const root of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const c = canvas();
      for (const op of [
        { op: 'insert', root, index: 0, value: 'x' },
        { op: 'insert', root, key: 'k', value: { a: 1 } },
        { op: 'delete', root, key: 'k' },
      ] as StateOp[]) {
        const r = run(c, [op]);
        expect(r).toMatchObject({
          ok: false,
          error: { code: 'validation_failed', message: `root '${root}' is not declared by canvas type 'doc'` },
        });
      }
      expect([...c.doc.share.keys()].sort()).toEqual(['blocks', 'body', 'notes']);
      expect(c.revision).toBe(0);
    }
  });

  it('[CONTRACT 3] strings that are not well-formed UTF-16 are refused with their path; nothing applies', () => {
    const c = canvas();
    const cases: Array<[StateOp, string]> = [
      [{ op: 'insert', root: 'blocks', value: { id: 'b', text: 'a\ud800b' } }, 'ops[1].value.text'],
      [{ op: 'insert', root: 'blocks', value: { id: 'b', tags: ['ok', '\udc00'] } }, 'ops[1].value.tags[1]'],
      [{ op: 'insert', root: 'notes', key: 'k\ud800', value: 1 }, 'ops[1].key'],
      [{ op: 'insert', root: 'notes', key: 'k', value: { 'x\udfff': 1 } }, 'ops[1].value (key "x\\udfff")'],
      [{ op: 'insert', root: 'body', index: 0, value: 'end\ud83d' }, 'ops[1].value'],
    ];
    for (const [op, path] of cases) {
      const r = run(c, [{ op: 'insert', root: 'notes', key: 'first', value: 1 }, op]);
      expect(r).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { issues: [{ path }] } } });
      if (!r.ok)
        expect(r.error.message).toBe(`${path}: not well-formed UTF-16 (a lone surrogate); send valid Unicode text`);
      expect(c.rootJson('notes')).toEqual({});
    }
    // Paired surrogates are fine, and survive encoding as Yjs stores them.
    const ok = run(c, [{ op: 'insert', root: 'blocks', value: { id: 'b', text: 'a😀b' } }]);
    expect(ok.ok).toBe(true);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(c.doc));
    expect((copy.getArray('blocks').get(0) as Y.Map<unknown>).get('text')?.toString()).toBe('a😀b');
  });

  it('a lone surrogate is what Yjs would change (why it is refused)', () => {
    const d = new Y.Doc();
    d.getText('t').insert(0, 'a\ud800b');
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(d));
    expect(copy.getText('t').toString()).toBe('a\ufffdb');
  });
  it('[CONTRACT 3] a value whose path puts it deeper than reads show is refused whole; at the limit it reads back in full', () => {
    const nest = (n: number): JsonValue => {
      let v: JsonValue = 1;
      for (let i = 0; i < n; i++) v = { c: v };
      return v;
    };
    const c = canvas();
    expect(run(c, [{ op: 'insert', root: 'notes', key: 'a', value: nest(40) }]).ok).toBe(true);
    const before = Y.encodeStateAsUpdate(c.doc);
    // 31 segments through the existing maps and one new key: the value sits 33 levels below the root.
    const path = [...Array(31).fill('c'), 'x'];
    const r = run(c, [
      { op: 'insert', root: 'notes', key: 'first', value: 1 },
      { op: 'update', root: 'notes', key: 'a', path, value: nest(40) },
    ]);
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'validation_failed',
        message:
          "ops[1].value: written 33 levels below root 'notes', it would nest deeper than 64 levels; flatten it or write it higher up",
        details: { root: 'notes', max_depth: 64 },
      },
    });
    expect(Y.encodeStateAsUpdate(c.doc)).toEqual(before);
    // Exactly at the limit (the value's 32 levels below 33): stored, and a read shows all of it.
    expect(run(c, [{ op: 'update', root: 'notes', key: 'a', path, value: nest(31) }]).ok).toBe(true);
    expect(JSON.stringify(c.rootJson('notes'))).not.toContain('nested deeper');
    let v = (c.rootJson('notes') as Record<string, unknown>).a;
    for (const seg of path) v = (v as Record<string, unknown>)[seg];
    expect(v).toEqual(nest(31));
    // An array element with a path counts the same way.
    expect(run(c, [{ op: 'insert', root: 'blocks', value: nest(40) }]).ok).toBe(true);
    const deep = run(c, [{ op: 'update', root: 'blocks', index: 0, path, value: nest(40) }]);
    expect(deep).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { root: 'blocks' } } });
  });
});
