import { applyStateOps } from '@easel/harness/testing';
import { BOARD_MANIFEST, canvasTypeManifestSchema, type JsonValue } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNoteOps, deleteNoteOps, editNoteOps, moveNoteOps, nextOrder } from './boardOps.ts';
import { DEFAULT_BOARD_COLUMNS, projectBoard, readColumns } from './projectBoard.ts';

const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;

function boardState(doc: Y.Doc): Record<string, JsonValue> {
  return { notes: doc.getMap('notes').toJSON() as JsonValue, layout: doc.getMap('layout').toJSON() as JsonValue };
}

describe('projectBoard', () => {
  it('[CONTRACT 5] the manifest is a valid canvas-type manifest with roots notes and layout', () => {
    expect(canvasTypeManifestSchema.safeParse(BOARD_MANIFEST).success).toBe(true);
    expect(BOARD_MANIFEST.roots).toEqual({ notes: 'map', layout: 'map' });
  });

  it('never throws and shows every readable note exactly once, whatever the state holds', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), json, { maxKeys: 12 }),
        json,
        json,
        (notes, layout, columnsToken) => {
          const p = projectBoard({ notes, layout }, { 'board.columns': columnsToken });
          const shown = [...p.columns.flatMap((c) => c.notes), ...p.unsorted].map((n) => n.id);
          expect(new Set(shown).size).toBe(shown.length);
          expect(shown.length).toBe(p.noteCount);
          const readable = Object.entries(notes).filter(
            ([, v]) => typeof v === 'string' || (typeof v === 'object' && v !== null && !Array.isArray(v)),
          );
          expect(p.noteCount).toBe(readable.length);
          expect(p.columns.length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('takes columns from layout, else the board.columns token, else the defaults', () => {
    expect(
      projectBoard({ layout: { columns: ['a', { id: 'b', title: 'Bee' }] } }, {}).columns.map((c) => [c.id, c.title]),
    ).toEqual([
      ['a', 'a'],
      ['b', 'Bee'],
    ]);
    expect(projectBoard({}, { 'board.columns': ['x', 'y'] }).columns.map((c) => c.id)).toEqual(['x', 'y']);
    expect(projectBoard({}, {}).columns.map((c) => c.id)).toEqual([...DEFAULT_BOARD_COLUMNS]);
    expect(readColumns(['a', 'a', '', 7, { title: 'no id' }])).toEqual([{ id: 'a', title: 'a' }]);
  });

  it('sorts notes by order then id; a note without a column sits in the first; unknown columns are unsorted', () => {
    const p = projectBoard(
      {
        notes: {
          b: { text: 'B', column: 'todo', order: 1 },
          a: { text: 'A', column: 'todo', order: 2 },
          c: { text: 'C' },
          d: { text: 'D', column: 'gone' },
          e: 'bare text',
        },
      },
      {},
    );
    expect(p.columns[0]!.notes.map((n) => n.id)).toEqual(['b', 'a', 'c', 'e']);
    expect(p.unsorted.map((n) => n.id)).toEqual(['d']);
    expect(p.columns[0]!.notes[3]).toMatchObject({ text: 'bare text', structured: false });
  });

  it('[CONTRACT 5] an agent with only state.ops produces the shapes the board shows (random edit sequences)', () => {
    type Action =
      | { kind: 'add'; text: string; column: number }
      | { kind: 'edit'; pick: number; text: string }
      | { kind: 'move'; pick: number; column: number }
      | { kind: 'delete'; pick: number };
    const action: fc.Arbitrary<Action> = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), text: fc.string({ maxLength: 10 }), column: fc.nat(2) }),
      fc.record({ kind: fc.constant('edit' as const), pick: fc.nat(), text: fc.string({ maxLength: 10 }) }),
      fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), column: fc.nat(2) }),
      fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 25 }), (actions) => {
        const doc = new Y.Doc();
        const model = new Map<string, { text: string; column: string }>();
        let n = 0;
        for (const a of actions) {
          const p = projectBoard(boardState(doc), {});
          const all = p.columns.flatMap((c) => c.notes);
          const target = all.length > 0 && a.kind !== 'add' ? all[a.pick % all.length]! : null;
          let ops = null;
          if (a.kind === 'add') {
            const column = p.columns[a.column]!;
            const id = `n${n++}`;
            ops = addNoteOps(id, a.text, column.id, nextOrder(column));
            model.set(id, { text: a.text, column: column.id });
          } else if (target && a.kind === 'edit') {
            ops = editNoteOps(target, a.text);
            model.get(target.id)!.text = a.text;
          } else if (target && a.kind === 'move') {
            const column = p.columns[a.column]!;
            ops = moveNoteOps(target, column.id, nextOrder(column));
            model.get(target.id)!.column = column.id;
          } else if (target && a.kind === 'delete') {
            ops = deleteNoteOps(target.id);
            model.delete(target.id);
          }
          if (ops) expect(applyStateOps(doc, BOARD_MANIFEST.roots, ops)).toMatchObject({ ok: true });
        }
        const p = projectBoard(boardState(doc), {});
        const shown = new Map(
          p.columns.flatMap((c) => c.notes.map((note) => [note.id, { text: note.text, column: c.id }])),
        );
        expect(shown).toEqual(model);
        expect(p.unsorted).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('replaces a bare-string note with an object when it is edited or moved (no path into a non-map)', () => {
    const note = projectBoard({ notes: { s: 'plain' } }, {}).columns[0]!.notes[0]!;
    expect(editNoteOps(note, 'new')).toEqual([
      { op: 'update', root: 'notes', key: 's', value: { text: 'new', column: 'todo' } },
    ]);
    expect(moveNoteOps(note, 'done', 3)).toEqual([
      { op: 'update', root: 'notes', key: 's', value: { text: 'plain', column: 'done', order: 3 } },
    ]);
  });
});
