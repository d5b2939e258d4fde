import type { CanvasTypeManifest, JsonValue, StateOp } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyStateOps } from './applyStateOps.ts';
import { CanvasDoc } from './CanvasDoc.ts';

/** `blocks` and `notes` declare `text` (and `title`) as text fields; `items` and `plain` declare none. */
const MANIFEST: CanvasTypeManifest = {
  type: 'texty',
  version: '1.1.0',
  title: 'Texty',
  roots: { blocks: 'array', notes: 'map', items: 'array', plain: 'map', body: 'text' },
  tokens: {},
  tools: [],
  text_fields: { blocks: ['text'], notes: ['text', 'title'] },
};

function canvas(): CanvasDoc {
  return CanvasDoc.create('t/p', 'c', MANIFEST, '', 'epoch0001');
}
const all = () => true;

function apply(c: CanvasDoc, ops: StateOp[]) {
  return applyStateOps(c, all, ops);
}

function block(c: CanvasDoc, index: number): Y.Map<unknown> {
  return c.doc.getArray('blocks').get(index) as Y.Map<unknown>;
}

const TREE: JsonValue = {
  id: 'a',
  kind: 'list',
  text: 'top',
  children: [
    { id: 'a1', kind: 'item', text: 'one' },
    { id: 'a2', kind: 'item', text: 'two', children: [{ id: 'a21', kind: 'item', text: 'deep' }] },
  ],
};

describe('applyStateOps: manifest text_fields (WIRE-NOTES state.ops)', () => {
  it('[CONTRACT 5] a string under a declared key becomes a Y.Text on insert, nested children too; the JSON is unchanged', () => {
    const c = canvas();
    const r = apply(c, [
      { op: 'insert', root: 'blocks', value: TREE },
      { op: 'insert', root: 'notes', key: 'n1', value: { text: 'note', title: 'T', color: 'red' } },
    ]);
    expect(r.ok).toBe(true);
    const top = block(c, 0);
    expect(top.get('text')).toBeInstanceOf(Y.Text);
    expect(top.get('kind')).toBe('list'); // undeclared keys stay plain
    const children = top.get('children') as Y.Array<Y.Map<unknown>>;
    expect(children.get(0).get('text')).toBeInstanceOf(Y.Text);
    const deep = (children.get(1).get('children') as Y.Array<Y.Map<unknown>>).get(0);
    expect(deep.get('text')).toBeInstanceOf(Y.Text);
    const note = c.doc.getMap('notes').get('n1') as Y.Map<unknown>;
    expect(note.get('text')).toBeInstanceOf(Y.Text);
    expect(note.get('title')).toBeInstanceOf(Y.Text);
    expect(note.get('color')).toBe('red');
    expect(c.rootJson('blocks')).toEqual([TREE]);
    expect(c.rootJson('notes')).toEqual({ n1: { text: 'note', title: 'T', color: 'red' } });
    // What a peer receives holds Y.Text too.
    if (!r.ok) return;
    const peer = new Y.Doc();
    Y.applyUpdate(peer, r.value.update);
    expect((peer.getArray('blocks').get(0) as Y.Map<unknown>).get('text')).toBeInstanceOf(Y.Text);
  });

  it('[CONTRACT 5] an update at a declared key rewrites the same Y.Text in place, so a concurrent Yjs edit merges', () => {
    const c = canvas();
    expect(apply(c, [{ op: 'insert', root: 'blocks', value: { id: 'b', kind: 'p', text: 'hello world' } }]).ok).toBe(
      true,
    );
    const before = block(c, 0).get('text');
    // A collaborator holding the state before the update types at the end of the same text.
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(c.doc));
    const peerText = (peer.getArray('blocks').get(0) as Y.Map<unknown>).get('text') as Y.Text;
    peerText.insert(peerText.length, '!');

    const r = apply(c, [{ op: 'update', root: 'blocks', index: 0, path: ['text'], value: 'Hello world' }]);
    expect(r.ok).toBe(true);
    expect(block(c, 0).get('text')).toBe(before); // the same Y.Text object
    Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(peer));
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(c.doc));
    expect(String(block(c, 0).get('text'))).toBe('Hello world!');
    expect(peerText.toString()).toBe('Hello world!');

    // A map root's block, by key and path, the same way.
    expect(apply(c, [{ op: 'insert', root: 'notes', key: 'n', value: { text: 'abc' } }]).ok).toBe(true);
    const noteText = (c.doc.getMap('notes').get('n') as Y.Map<unknown>).get('text');
    expect(apply(c, [{ op: 'update', root: 'notes', key: 'n', path: ['text'], value: 'abXc' }]).ok).toBe(true);
    expect((c.doc.getMap('notes').get('n') as Y.Map<unknown>).get('text')).toBe(noteText);
    expect(c.rootJson('notes')).toEqual({ n: { text: 'abXc' } });
  });

  it('[CONTRACT 5] updates that write new objects (a whole block, a children list) and old plain strings get Y.Text', () => {
    const c = canvas();
    // Old data: a block whose text is a plain string (written before the declaration, or by state.update).
    c.doc.getArray('blocks').insert(0, [
      new Y.Map<unknown>([
        ['id', 'old'],
        ['text', 'legacy'],
      ]),
    ]);
    expect(block(c, 0).get('text')).toBe('legacy');
    const r = apply(c, [
      { op: 'update', root: 'blocks', index: 0, path: ['text'], value: 'legacy!' },
      { op: 'update', root: 'blocks', index: 0, path: ['children'], value: [{ id: 'k', text: 'kid' }] },
      { op: 'insert', root: 'blocks', value: { id: 'x', text: 'x' } },
      { op: 'update', root: 'blocks', index: 1, value: { id: 'y', text: 'whole' } },
    ]);
    expect(r.ok).toBe(true);
    expect(block(c, 0).get('text')).toBeInstanceOf(Y.Text);
    expect((block(c, 0).get('children') as Y.Array<Y.Map<unknown>>).get(0).get('text')).toBeInstanceOf(Y.Text);
    expect(block(c, 1).get('text')).toBeInstanceOf(Y.Text);
    expect(c.rootJson('blocks')).toEqual([
      { id: 'old', text: 'legacy!', children: [{ id: 'k', text: 'kid' }] },
      { id: 'y', text: 'whole' },
    ]);
  });

  it.each<[string, StateOp[], RegExp]>([
    [
      'a number at a top-level text key',
      [
        { op: 'insert', root: 'blocks', value: { id: 'ok', text: 'fine' } },
        { op: 'insert', root: 'blocks', value: { id: 'b', text: 5 } },
      ],
      /^ops\[1\]\.value\.text: "text" is a text field of root 'blocks'.*must be a string/,
    ],
    [
      'null deep in children',
      [{ op: 'insert', root: 'blocks', value: { id: 'b', text: 'x', children: [{ id: 'c', text: null }] } }],
      /^ops\[0\]\.value\.children\[0\]\.text: "text" is a text field/,
    ],
    [
      'an object set by a path ending at a text key',
      [
        { op: 'insert', root: 'notes', key: 'n', value: { text: 'a' } },
        { op: 'update', root: 'notes', key: 'n', path: ['title'], value: { rich: true } },
      ],
      /^ops\[1\]\.value: "title" is a text field of root 'notes'/,
    ],
    [
      'a whole-block update with an array at a text key',
      [
        { op: 'insert', root: 'blocks', value: { id: 'b', text: 'a' } },
        { op: 'update', root: 'blocks', index: 0, value: { id: 'b', text: ['a'] } },
      ],
      /^ops\[1\]\.value\.text: /,
    ],
  ])('[CONTRACT 3] %s is 400 validation_failed naming the op and key; nothing applies', (_name, ops, message) => {
    const c = canvas();
    apply(c, [{ op: 'insert', root: 'items', value: 'seed' }]);
    const state = Y.encodeStateVector(c.doc);
    const r = apply(c, ops);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('validation_failed');
    expect(r.error.message).toMatch(message);
    expect(r.discard).toBeUndefined(); // refused by the pre-check, before the document was touched
    expect(Y.encodeStateVector(c.doc)).toEqual(state);
    expect(c.rootJson('blocks')).toEqual([]);
  });

  it('[CONTRACT 5] roots without declarations are unchanged: strings stay strings, any value is accepted', () => {
    const c = canvas();
    const r = apply(c, [
      { op: 'insert', root: 'items', value: { id: 'i', text: 'plain', children: [{ text: 'kid' }] } },
      { op: 'insert', root: 'plain', key: 'p', value: { text: 7 } },
      { op: 'update', root: 'plain', key: 'p', path: ['text'], value: 'now a string' },
      // A declared root's own keys are not text fields (only keys of objects inside it).
      { op: 'insert', root: 'notes', key: 'text', value: 3 },
      { op: 'insert', root: 'body', value: 'body text' },
    ]);
    expect(r.ok).toBe(true);
    const item = c.doc.getArray('items').get(0) as Y.Map<unknown>;
    expect(item.get('text')).toBe('plain');
    expect((item.get('children') as Y.Array<Y.Map<unknown>>).get(0).get('text')).toBe('kid');
    expect((c.doc.getMap('plain').get('p') as Y.Map<unknown>).get('text')).toBe('now a string');
    expect(c.doc.getMap('notes').get('text')).toBe(3);
    expect(c.rootJson('body')).toBe('body text');
  });

  it('[CONTRACT 5] later ops see a text field as text in the pre-check and the live pass alike', () => {
    const c = canvas();
    const r = apply(c, [
      { op: 'insert', root: 'blocks', value: { id: 'b', text: 'one' } },
      { op: 'update', root: 'blocks', index: 0, path: ['text'], value: 'two' },
      { op: 'update', root: 'blocks', index: 0, path: ['text', 'x'], value: 'no' },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('validation_failed');
    expect(r.error.message).toMatch(/^ops\[2\]\.path: blocks\[0\]\.text is not a map block/);
    expect(r.discard).toBeUndefined();
    expect(c.rootJson('blocks')).toEqual([]);
    const ok = apply(c, [
      { op: 'insert', root: 'blocks', value: { id: 'b', text: 'one' } },
      { op: 'update', root: 'blocks', index: 0, path: ['text'], value: 'two' },
    ]);
    expect(ok.ok).toBe(true);
    expect(block(c, 0).get('text')).toBeInstanceOf(Y.Text);
    expect(c.rootJson('blocks')).toEqual([{ id: 'b', text: 'two' }]);
  });
});
