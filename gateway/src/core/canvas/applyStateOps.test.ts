import type { CanvasTypeManifest, StateOp } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyStateOps } from './applyStateOps.ts';
import { CanvasDoc } from './CanvasDoc.ts';

const MANIFEST: CanvasTypeManifest = {
  type: 'mixed',
  version: '1.0.0',
  title: 'Mixed',
  roots: { notes: 'map', items: 'array', body: 'text', tree: 'xml', locked: 'map' },
  tokens: {},
  tools: [],
};

function canvas(): CanvasDoc {
  return CanvasDoc.create('t/p', 'c', MANIFEST, '', 'epoch0001');
}
const canWrite = (root: string) => root !== 'locked';

function json(c: CanvasDoc) {
  return {
    notes: c.rootJson('notes'),
    items: c.rootJson('items'),
    body: c.rootJson('body'),
  };
}

describe('applyStateOps', () => {
  it('[CONTRACT 5] map, array and text ops apply as one transaction', () => {
    const c = canvas();
    const r = applyStateOps(c, canWrite, [
      { op: 'insert', root: 'notes', key: 'a', value: { title: 'A', tags: ['x'] } },
      { op: 'update', root: 'notes', key: 'a', path: ['title'], value: 'A2' },
      { op: 'insert', root: 'items', value: 'one' },
      { op: 'insert', root: 'items', index: 0, value: { n: 0 } },
      { op: 'insert', root: 'items', value: 'two' },
      { op: 'move', root: 'items', from: 0, to: 2 },
      { op: 'update', root: 'items', index: 2, path: ['n'], value: 5 },
      { op: 'insert', root: 'body', index: 0, value: 'hello world' },
      { op: 'delete', root: 'body', index: 5, length: 6 },
    ]);
    expect(r.ok).toBe(true);
    expect(json(c)).toEqual({
      notes: { a: { title: 'A2', tags: ['x'] } },
      items: ['one', 'two', { n: 5 }],
      body: 'hello',
    });
    expect(c.doc.getMap('notes').get('a')).toBeInstanceOf(Y.Map);
    if (!r.ok) return;
    expect(r.value.roots).toEqual(['body', 'items', 'notes']);
    // The effective update rebuilds the same content elsewhere.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, r.value.update);
    expect(copy.getArray('items').toJSON()).toEqual(['one', 'two', { n: 5 }]);
  });

  it.each<[string, StateOp[], string]>([
    [
      'insert of an existing key',
      [
        { op: 'insert', root: 'notes', key: 'k', value: 1 },
        { op: 'insert', root: 'notes', key: 'k', value: 2 },
      ],
      'conflict',
    ],
    ['update of a missing key', [{ op: 'update', root: 'notes', key: 'zz', value: 1 }], 'not_found'],
    [
      'path through a scalar',
      [
        { op: 'insert', root: 'notes', key: 'k', value: 1 },
        { op: 'update', root: 'notes', key: 'k', path: ['a', 'b'], value: 1 },
      ],
      'validation_failed',
    ],
    ['index past the end', [{ op: 'insert', root: 'items', index: 3, value: 1 }], 'validation_failed'],
    [
      'move out of range',
      [
        { op: 'insert', root: 'items', value: 1 },
        { op: 'move', root: 'items', from: 0, to: 1 },
      ],
      'validation_failed',
    ],
    ['map root addressed by index', [{ op: 'insert', root: 'notes', index: 0, value: 1 }], 'validation_failed'],
    ['text insert of a non-string', [{ op: 'insert', root: 'body', index: 0, value: 5 }], 'validation_failed'],
    ['xml root', [{ op: 'insert', root: 'tree', index: 0, value: 'x' }], 'validation_failed'],
    ['undeclared root', [{ op: 'insert', root: 'nope', key: 'a', value: 1 }], 'validation_failed'],
    [
      'forbidden root',
      [
        { op: 'insert', root: 'notes', key: 'a', value: 1 },
        { op: 'insert', root: 'locked', key: 'a', value: 1 },
      ],
      'forbidden',
    ],
  ])('[CONTRACT 5] %s is refused and nothing is applied', (_name, ops, code) => {
    const c = canvas();
    applyStateOps(c, canWrite, [{ op: 'insert', root: 'notes', key: 'base', value: 1 }]);
    const before = Y.encodeStateVector(c.doc);
    const r = applyStateOps(c, canWrite, ops);
    expect(!r.ok && r.error.code).toBe(code);
    expect(!r.ok && r.discard).toBeFalsy();
    expect(Y.encodeStateVector(c.doc)).toEqual(before);
    expect(json(c).notes).toEqual({ base: 1 });
  });

  it('a random op list either applies whole or leaves the doc untouched (property)', () => {
    const opArb = fc.oneof(
      fc.record({
        op: fc.constant('insert' as const),
        root: fc.constant('notes'),
        key: fc.constantFrom('a', 'b'),
        value: fc.oneof(fc.nat(9), fc.constant({ x: 1 })),
      }),
      fc.record({
        op: fc.constant('update' as const),
        root: fc.constant('notes'),
        key: fc.constantFrom('a', 'b'),
        path: fc.constant(['x']),
        value: fc.nat(9),
      }),
      fc.record({ op: fc.constant('delete' as const), root: fc.constant('notes'), key: fc.constantFrom('a', 'b') }),
      fc.record({ op: fc.constant('insert' as const), root: fc.constant('items'), index: fc.nat(3), value: fc.nat(9) }),
      fc.record({
        op: fc.constant('delete' as const),
        root: fc.constant('items'),
        index: fc.nat(3),
        length: fc.integer({ min: 1, max: 2 }),
      }),
      fc.record({ op: fc.constant('move' as const), root: fc.constant('items'), from: fc.nat(3), to: fc.nat(3) }),
      fc.record({
        op: fc.constant('insert' as const),
        root: fc.constant('body'),
        index: fc.nat(4),
        value: fc.constantFrom('ab', 'c'),
      }),
      fc.record({
        op: fc.constant('delete' as const),
        root: fc.constant('body'),
        index: fc.nat(4),
        length: fc.integer({ min: 1, max: 3 }),
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(opArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        (batches) => {
          const c = canvas();
          for (const ops of batches) {
            const before = JSON.stringify(json(c));
            const sv = Y.encodeStateVector(c.doc);
            const r = applyStateOps(c, canWrite, ops as unknown as StateOp[]);
            if (!r.ok) {
              expect(r.discard).toBeFalsy();
              expect(JSON.stringify(json(c))).toBe(before);
              expect(Y.encodeStateVector(c.doc)).toEqual(sv);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
