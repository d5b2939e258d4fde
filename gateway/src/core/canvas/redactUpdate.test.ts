import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { attributeUpdate, redactedState, redactUpdate } from './redactUpdate.ts';
import { ensureRoots } from './yRoots.ts';

const ROOTS = { notes: 'map', layout: 'map', list: 'array' } as const;
const readable = (root: string) => root !== 'layout';

type Edit = { root: 'notes' | 'layout' | 'list'; key: number; nested: boolean; del: boolean };

function edit(d: Y.Doc, e: Edit) {
  if (e.root === 'list') {
    const a = d.getArray<unknown>('list');
    if (e.del && a.length > 0) a.delete(e.key % a.length, 1);
    else a.insert(e.key % (a.length + 1), [e.nested ? new Y.Map([['k', e.key]]) : e.key]);
    return;
  }
  const m = d.getMap<unknown>(e.root);
  const key = `k${e.key}`;
  const current = m.get(key);
  if (e.del) m.delete(key);
  else if (e.nested && current instanceof Y.Map) current.set('v', e.key);
  else m.set(key, e.nested ? new Y.Map([['v', 0]]) : `${e.root}-val-${e.key}`);
}

describe('redactUpdate / redactedState', () => {
  it('[CONTRACT 6] a partial reader mirror equals the server on readable roots and never sees hidden content (property)', () => {
    const editArb = fc.record({
      root: fc.constantFrom('notes' as const, 'layout' as const, 'list' as const),
      key: fc.nat(5),
      nested: fc.boolean(),
      del: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(editArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        fc.nat(7),
        (rounds, joinAt) => {
          const server = new Y.Doc();
          ensureRoots(server, ROOTS);
          const client = new Y.Doc();
          let mirror: Y.Doc | null = null;
          rounds.forEach((edits, i) => {
            if (i === joinAt % rounds.length) {
              mirror = new Y.Doc();
              const state = redactedState(server, readable);
              expect(Buffer.from(state).toString('latin1')).not.toContain('layout');
              Y.applyUpdate(mirror, state);
            }
            Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
            const sv = Y.encodeStateVector(server);
            client.transact(() => {
              for (const e of edits) edit(client, e);
            });
            const update = Y.encodeStateAsUpdate(client, sv);
            let effective: Uint8Array | null = null;
            server.once('update', (u: Uint8Array) => {
              effective = u;
            });
            Y.applyUpdate(server, update);
            if (effective === null || mirror === null) return;
            const ranges = attributeUpdate(server, effective);
            const roots = Object.keys(ranges).sort();
            const stored = roots.length > 1 ? ranges : undefined;
            const redacted = redactUpdate(effective, roots.length > 0 ? roots : ['notes'], stored, readable);
            const text = Buffer.from(redacted).toString('latin1');
            expect(text).not.toContain('layout-val');
            expect(text).not.toContain('layout');
            Y.applyUpdate(mirror, redacted);
            expect((mirror as Y.Doc).store.pendingStructs).toBeNull();
          });
          if (mirror === null) return;
          const m = mirror as Y.Doc;
          expect(m.getMap('notes').toJSON()).toEqual(server.getMap('notes').toJSON());
          expect(m.getArray('list').toJSON()).toEqual(server.getArray('list').toJSON());
          expect(m.getMap('layout').toJSON()).toEqual({});
        },
      ),
      { numRuns: 150 },
    );
  });
});
