import type { JsonValue } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planRunRevert } from './planRunRevert.ts';
import type { RunBlockChange } from './RunChangeTracker.ts';

const KINDS: Record<string, 'map' | 'array' | 'text' | 'xml'> = {
  notes: 'map',
  items: 'array',
  body: 'text',
  tree: 'xml',
};
const kindOf = (root: string) => KINDS[root];

function change(c: Partial<RunBlockChange> & { root: string }): RunBlockChange {
  return { before: undefined, after: undefined, othersChanged: false, ...c } as RunBlockChange;
}

describe('[CONTRACT 10] planRunRevert: three-way undo of a run', () => {
  it('restores blocks the run changed and nobody changed since; keeps and lists the others', () => {
    const state: Record<string, JsonValue> = {
      notes: { a: { text: 'run wrote a' }, b: { text: 'human edited b' }, c: { text: 'run edit of c' } },
      items: [1, 2, 3],
      body: 'hello run',
    };
    const plan = planRunRevert(
      'r1',
      [
        change({ root: 'notes', key: 'a', before: undefined, after: { text: 'run wrote a' } }),
        change({ root: 'notes', key: 'b', before: undefined, after: { text: 'run wrote b' } }),
        change({ root: 'notes', key: 'c', before: { text: 'c' }, after: { text: 'run edit of c' } }),
        change({ root: 'notes', key: 'd', before: { text: 'd' }, after: undefined }),
        change({ root: 'items', before: [1], after: [1, 2, 3] }),
        change({ root: 'body', before: 'hello', after: 'hello run' }),
        change({ root: 'tree', before: '', after: '<p></p>' }),
      ],
      kindOf,
      (root) => state[root],
    );
    expect(plan.ops).toEqual([
      { op: 'delete', root: 'notes', key: 'a' },
      { op: 'update', root: 'notes', key: 'c', value: { text: 'c' } },
      { op: 'insert', root: 'notes', key: 'd', value: { text: 'd' } },
      { op: 'delete', root: 'items', index: 0, length: 3 },
      { op: 'insert', root: 'items', index: 0, value: 1 },
      { op: 'delete', root: 'body', index: 0, length: 9 },
      { op: 'insert', root: 'body', index: 0, value: 'hello' },
    ]);
    expect(plan.restored).toEqual([
      { root: 'notes', key: 'a' },
      { root: 'notes', key: 'c' },
      { root: 'notes', key: 'd' },
      { root: 'items' },
      { root: 'body' },
    ]);
    expect(plan.conflicts).toEqual([
      { root: 'notes', key: 'b', reason: 'changed_since_run' },
      { root: 'tree', reason: 'not_revertible' },
    ]);
  });

  it('a block others changed while the run worked is a conflict even when it ends as the run left it', () => {
    const plan = planRunRevert(
      'r1',
      [change({ root: 'notes', key: 'a', before: 1, after: 2, othersChanged: true })],
      kindOf,
      () => ({ a: 2 }),
    );
    expect(plan.ops).toEqual([]);
    expect(plan.conflicts).toEqual([{ root: 'notes', key: 'a', reason: 'changed_by_others' }]);
  });

  it('a block already back to its old content needs nothing', () => {
    const plan = planRunRevert('r1', [change({ root: 'notes', key: 'a', before: 1, after: 1 })], kindOf, () => ({
      a: 1,
    }));
    expect(plan).toEqual({ runId: 'r1', ops: [], restored: [], conflicts: [] });
  });

  it('every block ends either restored, in conflict, or unchanged (property)', () => {
    const json = fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 3 }), fc.constantFrom('x', 'y'));
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
            before: json,
            after: json,
            now: json,
            others: fc.boolean(),
          }),
          { selector: (r) => r.key, maxLength: 5 },
        ),
        (rows) => {
          const live: Record<string, JsonValue> = {};
          for (const r of rows) if (r.now !== undefined) live[r.key] = r.now;
          const plan = planRunRevert(
            'r1',
            rows.map((r) =>
              change({ root: 'notes', key: r.key, before: r.before, after: r.after, othersChanged: r.others }),
            ),
            kindOf,
            () => live,
          );
          for (const r of rows) {
            const restored = plan.restored.some((b) => b.key === r.key);
            const conflict = plan.conflicts.some((b) => b.key === r.key);
            const untouched = r.now === r.after && !r.others && r.now === r.before;
            expect(Number(restored) + Number(conflict) + Number(untouched)).toBe(1);
            if (restored) expect(r.now === r.after && !r.others).toBe(true);
          }
        },
      ),
    );
  });
});
