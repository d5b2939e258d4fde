import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mergeTextFields, NO_TEXT_FIELDS } from './mergeTextFields.ts';
import { convertPlainTextFields, findPlainTextFields, groupPlainTextFields } from './plainTextFields.ts';
import { toY } from './stateNodes.ts';
import { ensureRoots } from './yRoots.ts';

const ROOTS = { blocks: 'array', notes: 'map', body: 'text' } as const;
const FIELDS = { blocks: ['text'], notes: ['text', 'title'] };

function docWith(blocks: unknown[], notes: Record<string, unknown>): Y.Doc {
  const doc = new Y.Doc();
  ensureRoots(doc, ROOTS);
  doc.transact(() => {
    doc.getArray('blocks').push(blocks.map((b) => toY(b as never)));
    for (const [k, v] of Object.entries(notes)) doc.getMap('notes').set(k, toY(v as never));
    doc.getText('body').insert(0, 'body text');
  });
  return doc;
}

describe('findPlainTextFields / convertPlainTextFields (WIRE-NOTES "Text fields": upgrade)', () => {
  it('[CONTRACT 5] finds plain strings at text keys of nested maps at any depth, in document order', () => {
    const doc = docWith(
      [
        { id: 'a', text: 'one', children: [{ id: 'a1', text: 'deep', children: [{ text: 'deeper' }] }] },
        'text',
        { id: 'b', kind: 'text', text: 2 },
      ],
      { text: 'root key', n1: { title: 'T', text: 'N', other: 'x' } },
    );
    const found = findPlainTextFields(doc, ROOTS, FIELDS);
    expect(found.map((f) => [f.root, f.key, f.text])).toEqual([
      ['blocks', 'text', 'one'],
      ['blocks', 'text', 'deep'],
      ['blocks', 'text', 'deeper'],
      ['notes', 'title', 'T'],
      ['notes', 'text', 'N'],
    ]);
    expect(findPlainTextFields(doc, ROOTS, NO_TEXT_FIELDS)).toEqual([]);
    expect(findPlainTextFields(doc, ROOTS, { body: ['text'], missing: ['text'] })).toEqual([]);
  });

  it('[CONTRACT 5] converting keeps the JSON, leaves nothing to convert, and a second pass changes nothing', () => {
    const doc = docWith([{ id: 'a', text: 'one', children: [{ text: 'two' }] }], { n: { text: 'N' } });
    const json = doc.toJSON();
    const found = findPlainTextFields(doc, ROOTS, FIELDS);
    let converted = 0;
    doc.transact(() => {
      converted = convertPlainTextFields(found);
    });
    expect(converted).toBe(3);
    expect(doc.toJSON()).toEqual(json);
    expect((doc.getArray('blocks').get(0) as Y.Map<unknown>).get('text')).toBeInstanceOf(Y.Text);
    expect(findPlainTextFields(doc, ROOTS, FIELDS)).toEqual([]);
    // A stale list converts nothing twice.
    const before = Y.encodeStateVector(doc);
    expect(convertPlainTextFields(found)).toBe(0);
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('[CONTRACT 5] property: conversion preserves the JSON of any block tree and is idempotent', () => {
    const block: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      block: fc.record(
        {
          id: fc.string({ maxLength: 3 }),
          text: fc.oneof(fc.string({ maxLength: 8 }), fc.integer()),
          children: fc.array(tie('block'), { maxLength: 2 }),
        },
        { requiredKeys: ['id'] },
      ),
    })).block;
    fc.assert(
      fc.property(fc.array(block, { maxLength: 4 }), (blocks) => {
        const doc = docWith(blocks, {});
        const json = doc.toJSON();
        doc.transact(() => convertPlainTextFields(findPlainTextFields(doc, ROOTS, FIELDS)));
        expect(doc.toJSON()).toEqual(json);
        expect(findPlainTextFields(doc, ROOTS, FIELDS)).toEqual([]);
      }),
      { numRuns: 80 },
    );
  });

  it('[CONTRACT 4] groups stay within one root and the byte and field limits (a large string alone)', () => {
    const doc = docWith([{ text: 'aaaa' }, { text: 'bbbb' }, { text: 'x'.repeat(20) }, { text: 'cc' }], {
      n: { text: 'N' },
    });
    const groups = groupPlainTextFields(findPlainTextFields(doc, ROOTS, FIELDS), { bytes: 10, fields: 2 });
    expect(groups.map((g) => g.map((f) => f.text))).toEqual([['aaaa', 'bbbb'], ['x'.repeat(20)], ['cc'], ['N']]);
  });
});

describe('mergeTextFields', () => {
  it('[CONTRACT 5] adds keys of map/array roots the canvas declares, never removes, returns base when unchanged', () => {
    const base = mergeTextFields(ROOTS, NO_TEXT_FIELDS, { blocks: ['text'] });
    expect(base).toEqual({ blocks: ['text'] });
    expect(mergeTextFields(ROOTS, base, { blocks: ['text'] })).toBe(base);
    expect(mergeTextFields(ROOTS, base, undefined)).toBe(base);
    expect(mergeTextFields(ROOTS, base, { body: ['text'], other: ['text'] })).toBe(base);
    expect(mergeTextFields(ROOTS, base, { blocks: ['caption', 'caption'], notes: ['title'] })).toEqual({
      blocks: ['text', 'caption'],
      notes: ['title'],
    });
  });
});
