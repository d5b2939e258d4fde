import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { authorizeUpdate, type UpdateTarget } from './authorizeUpdate.ts';
import { clientDiff, clientOf, isEmptyUpdate } from '../testing/clientUpdates.ts';
import { ensureRoots } from './yRoots.ts';

const ROOTS = { notes: 'map', layout: 'map', shapes: 'array', body: 'text', tree: 'xml' } as const;
const canWrite = (root: string) => root !== 'layout';

function server(): UpdateTarget {
  const doc = new Y.Doc();
  ensureRoots(doc, ROOTS);
  return { doc, roots: ROOTS, canvasType: 'test' };
}

function fresh(change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => change(doc));
  return Y.encodeStateAsUpdate(doc);
}

function apply(target: UpdateTarget, update: Uint8Array): void {
  Y.applyUpdate(target.doc, update);
  expect(target.doc.store.pendingStructs).toBeNull();
  expect(target.doc.store.pendingDs).toBeNull();
}

function check(target: UpdateTarget, update: Uint8Array) {
  return authorizeUpdate(target, canWrite, update);
}

describe('authorizeUpdate', () => {
  it('[CONTRACT 5] an insert into a writable map root is allowed and names the root', () => {
    const t = server();
    const r = check(
      t,
      fresh((d) => d.getMap('notes').set('a', 'x')),
    );
    expect(r).toEqual({ ok: true, value: { roots: ['notes'] } });
  });

  it('[CONTRACT 6] an insert into a forbidden root is 403 naming it', () => {
    const t = server();
    const r = check(
      t,
      fresh((d) => d.getMap('layout').set('a', 'x')),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('forbidden');
      expect(r.error.message).toContain("'layout'");
    }
  });

  it('[CONTRACT 6] a mixed-root update is refused whole', () => {
    const t = server();
    const r = check(
      t,
      fresh((d) => {
        d.getMap('notes').set('a', 'x');
        d.getMap('layout').set('b', 'y');
      }),
    );
    expect(!r.ok && r.error.code).toBe('forbidden');
  });

  it('[CONTRACT 6] edits of a nested map follow its parent to the root', () => {
    const t = server();
    const c = clientOf(t);
    apply(
      t,
      clientDiff(t, c, (d) => d.getMap('notes').set('n1', new Y.Map())),
    );
    const nested = clientDiff(t, c, (d) => (d.getMap('notes').get('n1') as Y.Map<unknown>).set('title', 'hello'));
    expect(check(t, nested)).toEqual({ ok: true, value: { roots: ['notes'] } });

    // The same in a forbidden root, created by someone allowed (applied directly here).
    const c2 = clientOf(t);
    const inLayout = clientDiff(t, c2, (d) => d.getMap('layout').set('box', new Y.Map()));
    apply(t, inLayout);
    const c3 = clientOf(t);
    const edit = clientDiff(t, c3, (d) => (d.getMap('layout').get('box') as Y.Map<unknown>).set('x', 1));
    const r = check(t, edit);
    expect(!r.ok && r.error.code).toBe('forbidden');
    // Deeper: an array inside the nested map, then an insert into it.
    const c4 = clientOf(t);
    apply(
      t,
      clientDiff(t, c4, (d) => (d.getMap('layout').get('box') as Y.Map<unknown>).set('items', new Y.Array())),
    );
    const deep = clientDiff(t, c4, (d) =>
      ((d.getMap('layout').get('box') as Y.Map<unknown>).get('items') as Y.Array<number>).push([1, 2]),
    );
    expect(!check(t, deep).ok && (check(t, deep) as { error: { code: string } }).error.code).toBe('forbidden');
  });

  it('[CONTRACT 6] nested items created in the same update resolve through their parent', () => {
    const t = server();
    const u = fresh((d) => {
      const m = new Y.Map<unknown>();
      d.getMap('layout').set('box', m);
      const inner = new Y.Array<number>();
      m.set('items', inner);
      inner.push([1, 2, 3]);
    });
    const r = check(t, u);
    expect(!r.ok && r.error.code).toBe('forbidden');
    const ok = fresh((d) => {
      const m = new Y.Map<unknown>();
      d.getMap('notes').set('box', m);
      m.set('t', new Y.Text('hi'));
    });
    expect(check(t, ok)).toEqual({ ok: true, value: { roots: ['notes'] } });
  });

  it('[CONTRACT 6] a delete-only update is checked against the deleted items', () => {
    const t = server();
    const admin = clientOf(t);
    apply(
      t,
      clientDiff(t, admin, (d) => {
        d.getMap('layout').set('k', 'v');
        d.getMap('notes').set('k', 'v');
      }),
    );
    const c = clientOf(t);
    const delLayout = clientDiff(t, c, (d) => d.getMap('layout').delete('k'));
    expect(Y.decodeUpdate(delLayout).structs.length).toBe(0);
    const r = check(t, delLayout);
    expect(!r.ok && r.error.code).toBe('forbidden');
    const c2 = clientOf(t);
    const delNotes = clientDiff(t, c2, (d) => d.getMap('notes').delete('k'));
    expect(check(t, delNotes)).toEqual({ ok: true, value: { roots: ['notes'] } });
  });

  it('deletes of items the server already deleted touch nothing', () => {
    const t = server();
    const admin = clientOf(t);
    apply(
      t,
      clientDiff(t, admin, (d) => d.getMap('layout').set('k', 'v')),
    );
    apply(
      t,
      clientDiff(t, admin, (d) => d.getMap('layout').delete('k')),
    );
    // A client carrying that old delete in its full delete set, editing notes only.
    const c = clientOf(t);
    c.getMap('notes').set('n', 1);
    const full = Y.encodeStateAsUpdate(c, Y.encodeStateVector(t.doc));
    expect(check(t, full)).toEqual({ ok: true, value: { roots: ['notes'] } });
  });

  it('overwriting a map key inherits the root from the server item it replaces', () => {
    const t = server();
    const admin = clientOf(t);
    apply(
      t,
      clientDiff(t, admin, (d) => {
        d.getMap('notes').set('a', 1);
        d.getMap('layout').set('a', 1);
      }),
    );
    const c = clientOf(t);
    const u = clientDiff(t, c, (d) => d.getMap('notes').set('a', 2));
    expect(Y.decodeUpdate(u).structs.some((s) => s instanceof Y.Item && s.origin !== null)).toBe(true);
    expect(check(t, u)).toEqual({ ok: true, value: { roots: ['notes'] } });
    const c2 = clientOf(t);
    const v = clientDiff(t, c2, (d) => d.getMap('layout').set('a', 2));
    expect(!check(t, v).ok).toBe(true);
  });

  it('text inserted between existing characters resolves through origins', () => {
    const t = server();
    const admin = clientOf(t);
    apply(
      t,
      clientDiff(t, admin, (d) => d.getText('body').insert(0, 'hello world')),
    );
    const c = clientOf(t);
    const u = clientDiff(t, c, (d) => d.getText('body').insert(5, ','));
    expect(check(t, u)).toEqual({ ok: true, value: { roots: ['body'] } });
  });

  it('[CONTRACT 5] a map root written as an array is 400', () => {
    const t = server();
    const r = check(
      t,
      fresh((d) => d.getArray('notes').push(['x'])),
    );
    expect(!r.ok && r.error.code).toBe('validation_failed');
    expect(!r.ok && r.error.message).toContain("root 'notes' is a map");
  });

  it('[CONTRACT 5] an array root written as a map is 400', () => {
    const t = server();
    const r = check(
      t,
      fresh((d) => d.getMap('shapes').set('k', 1)),
    );
    expect(!r.ok && r.error.message).toContain("root 'shapes' is an array");
  });

  it('[CONTRACT 5] an undeclared root is 400 naming it', () => {
    const t = server();
    const r = check(
      t,
      fresh((d) => d.getMap('evil').set('k', 1)),
    );
    expect(!r.ok && r.error.code).toBe('validation_failed');
    expect(!r.ok && r.error.message).toContain("'evil'");
  });

  it('an update depending on items the server lacks is 400 resync', () => {
    const t = server();
    const c = clientOf(t);
    const sv = Y.encodeStateVector(c);
    c.getMap('notes').set('base', new Y.Map());
    const sv2 = Y.encodeStateVector(c);
    (c.getMap('notes').get('base') as Y.Map<unknown>).set('child', 1);
    void sv;
    const onlyChild = Y.encodeStateAsUpdate(c, sv2);
    const r = check(t, onlyChild);
    expect(!r.ok && r.error.code).toBe('validation_failed');
    expect(!r.ok && r.error.message).toContain('resync');
    // A second client whose item is inserted next to the first client's unknown item.
    const t2 = server();
    const a = new Y.Doc();
    a.getArray('shapes').push(['a']);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const before = Y.encodeStateVector(b);
    b.getArray('shapes').push(['b']);
    const r2 = check(t2, Y.encodeStateAsUpdate(b, before));
    expect(!r2.ok && r2.error.message).toContain('resync');
  });

  it('an update that is already fully known touches nothing', () => {
    const t = server();
    const u = fresh((d) => d.getMap('layout').set('k', 1));
    apply(t, u);
    expect(check(t, u)).toEqual({ ok: true, value: { roots: [] } });
  });

  it('garbage bytes are 400, never a throw (property)', () => {
    const t = server();
    expect(check(t, new Uint8Array([255, 255, 255])).ok).toBe(false);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = check(t, bytes);
        if (!r.ok) expect(['validation_failed', 'forbidden']).toContain(r.error.code);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated real updates never throw, and accepted ones apply without pending structs (property)', () => {
    const base = fresh((d) => {
      d.getMap('notes').set('a', 'hello');
      d.getArray('shapes').push([1, 2, 3]);
      d.getText('body').insert(0, 'abc');
    });
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const t = server();
        const bytes = base.slice();
        bytes[at] = byte;
        const r = check(t, bytes);
        if (r.ok) {
          try {
            Y.applyUpdate(t.doc, bytes);
          } catch {
            return; // Yjs itself refused the bytes; the gateway treats that as 400 (CanvasDoc).
          }
          expect(t.doc.store.pendingStructs).toBeNull();
          expect(t.doc.store.pendingDs).toBeNull();
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('every root whose content changes is among the authorized roots (property)', () => {
    type Op = { root: 'notes' | 'layout' | 'shapes' | 'body'; kind: number; key: string; n: number };
    const opArb = fc.record({
      root: fc.constantFrom('notes', 'layout', 'shapes', 'body') as fc.Arbitrary<Op['root']>,
      kind: fc.nat(3),
      key: fc.constantFrom('a', 'b', 'c'),
      n: fc.nat(5),
    });
    const run = (d: Y.Doc, op: Op) => {
      if (op.root === 'notes' || op.root === 'layout') {
        const m = d.getMap<unknown>(op.root);
        if (op.kind === 0) m.delete(op.key);
        else if (op.kind === 1) m.set(op.key, new Y.Map([['v', op.n]]));
        else {
          const inner = m.get(op.key);
          if (inner instanceof Y.Map) inner.set('v', op.n);
          else m.set(op.key, op.n);
        }
      } else if (op.root === 'shapes') {
        const a = d.getArray<unknown>('shapes');
        if (op.kind === 0 && a.length > 0) a.delete(op.n % a.length, 1);
        else a.insert(op.n % (a.length + 1), [op.n]);
      } else {
        const x = d.getText('body');
        if (op.kind === 0 && x.length > 0) x.delete(op.n % x.length, 1);
        else x.insert(op.n % (x.length + 1), op.key);
      }
    };
    const json = (d: Y.Doc) => ({
      notes: JSON.stringify(d.getMap('notes').toJSON()),
      layout: JSON.stringify(d.getMap('layout').toJSON()),
      shapes: JSON.stringify(d.getArray('shapes').toJSON()),
      body: d.getText('body').toString(),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(opArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        (rounds) => {
          const t = server();
          const clients = [clientOf(t), clientOf(t)];
          rounds.forEach((ops, i) => {
            const c = clients[i % 2]!;
            Y.applyUpdate(c, Y.encodeStateAsUpdate(t.doc));
            const u = clientDiff(t, c, (d) => {
              for (const op of ops) run(d, op);
            });
            const r = authorizeUpdate(t, () => true, u);
            if (isEmptyUpdate(u)) {
              // Ops that changed nothing (deleting a missing key): an empty update is refused.
              expect(r).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
              return;
            }
            expect(r.ok).toBe(true);
            if (!r.ok) return;
            const before = json(t.doc);
            apply(t, u);
            const after = json(t.doc);
            for (const root of Object.keys(before) as Array<keyof typeof before>) {
              if (before[root] !== after[root]) expect(r.value.roots).toContain(root);
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
