import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiveCanvases } from './LiveCanvases.ts';

interface Fake {
  readonly partition: string;
  readonly id: number;
}

const byId = (a: Fake, b: Fake) => a.id - b.id;

describe('LiveCanvases', () => {
  it('indexes by partition; deleteIf leaves a newer canvas under the same key alone', () => {
    const live = new LiveCanvases<Fake>();
    const a1 = { partition: 'p1', id: 1 };
    const a2 = { partition: 'p1', id: 2 };
    const b = { partition: 'p2', id: 3 };
    live.set('p1/a', a1);
    live.set('p2/b', b);
    expect(live.inPartition('p1')).toEqual([a1]);
    live.set('p1/a', a2); // a reload replaced it
    expect(live.inPartition('p1')).toEqual([a2]);
    expect(live.deleteIf('p1/a', a1)).toBe(false);
    expect(live.get('p1/a')).toBe(a2);
    expect(live.deleteIf('p1/a', a2)).toBe(true);
    expect(live.inPartition('p1')).toEqual([]);
    expect(live.inPartition('p2')).toEqual([b]);
    expect(live.size).toBe(1);
    expect(live.all()).toEqual([b]);
  });

  it('property: after any sequence of sets and deletes, the partition index agrees with the key map', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        key: fc.integer({ min: 0, max: 5 }),
        p: fc.integer({ min: 0, max: 2 }),
      }),
      fc.record({ kind: fc.constant('del' as const), key: fc.integer({ min: 0, max: 5 }), stale: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const live = new LiveCanvases<Fake>();
        const model = new Map<string, Fake>();
        let next = 0;
        for (const o of ops) {
          const key = `k${o.key}`;
          if (o.kind === 'set') {
            const canvas = { partition: `p${o.p}`, id: next++ };
            live.set(key, canvas);
            model.set(key, canvas);
          } else {
            const current = model.get(key);
            const target = o.stale || current === undefined ? { partition: 'p0', id: -1 } : current;
            expect(live.deleteIf(key, target)).toBe(target === current);
            if (target === current) model.delete(key);
          }
        }
        expect(live.size).toBe(model.size);
        for (const p of ['p0', 'p1', 'p2']) {
          const expected = [...model.values()].filter((c) => c.partition === p).sort(byId);
          expect(live.inPartition(p).sort(byId)).toEqual(expected);
        }
      }),
    );
  });
});
