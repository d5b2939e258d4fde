import type { StateOp } from '@easel/schemas';
import type { BoardColumn, BoardNote } from './projectBoard.ts';

/** The `notes` root name (map). */
export const NOTES_ROOT = 'notes';

/** Longest note text the board writes (the gateway bounds events too). */
export const MAX_NOTE_TEXT = 4000;

/** The next `order` at the end of a column. */
export function nextOrder(column: BoardColumn | undefined): number {
  let max = -1;
  for (const note of column?.notes ?? []) if (note.order !== null && note.order > max) max = note.order;
  return Math.floor(max) + 1;
}

/** Inserts a new note (`{text, column, order}`) under a fresh key. */
export function addNoteOps(id: string, text: string, column: string, order: number): StateOp[] {
  return [{ op: 'insert', root: NOTES_ROOT, key: id, value: { text: text.slice(0, MAX_NOTE_TEXT), column, order } }];
}

/** Sets a note's text (by path when it is stored as an object, else replaces it with one). */
export function editNoteOps(note: BoardNote, text: string): StateOp[] {
  const value = text.slice(0, MAX_NOTE_TEXT);
  if (note.structured) return [{ op: 'update', root: NOTES_ROOT, key: note.id, path: ['text'], value }];
  return [{ op: 'update', root: NOTES_ROOT, key: note.id, value: storedNote(note, { text: value }) }];
}

/** Moves a note to another column, at `order`. */
export function moveNoteOps(note: BoardNote, column: string, order: number): StateOp[] {
  if (note.structured) {
    return [
      { op: 'update', root: NOTES_ROOT, key: note.id, path: ['column'], value: column },
      { op: 'update', root: NOTES_ROOT, key: note.id, path: ['order'], value: order },
    ];
  }
  return [{ op: 'update', root: NOTES_ROOT, key: note.id, value: storedNote(note, { column, order }) }];
}

/** Deletes a note. */
export function deleteNoteOps(id: string): StateOp[] {
  return [{ op: 'delete', root: NOTES_ROOT, key: id }];
}

function storedNote(note: BoardNote, change: { text?: string; column?: string; order?: number }) {
  const value: { text: string; column: string; order?: number; color?: string } = {
    text: change.text ?? note.text,
    column: change.column ?? note.column,
  };
  const order = change.order ?? note.order;
  if (order !== null) value.order = order;
  if (note.color !== null) value.color = note.color;
  return value;
}
