import type { JsonValue } from '@easel/schemas';
import { MAX_BOARD_COLUMNS, MAX_COLUMN_LABEL } from './projectBoard.ts';

/** The token that lists the board's columns (when the `layout` state names none). */
export const BOARD_COLUMNS_TOKEN = 'board.columns';

/** A column as `board.columns` lists it: an id (what notes store) and a title (what is shown). */
export interface ColumnSpec {
  id: string;
  title: string;
}

/** A column list, or why the change cannot be made. */
export type ColumnsChange = { ok: true; value: ColumnSpec[] } | { ok: false; error: string };

/** The `board.columns` value of a list: a bare id where the title is the id, else `{id, title}`. */
export function columnsTokenValue(columns: readonly ColumnSpec[]): JsonValue {
  return columns.map((c) => (c.title === c.id ? c.id : { id: c.id, title: c.title }));
}

function checkTitle(title: string): string | null {
  if (title === '') return 'A column needs a title.';
  if (title.length > MAX_COLUMN_LABEL) return `A column title has at most ${MAX_COLUMN_LABEL} characters.`;
  return null;
}

/** An id for a new column from its title (lowercase words joined by `-`), unique in `taken`. */
export function columnIdFor(title: string, taken: ReadonlySet<string>): string {
  const slug =
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'column';
  if (!taken.has(slug)) return slug;
  for (let n = 2; n <= MAX_BOARD_COLUMNS + 1; n++) if (!taken.has(`${slug}-${n}`)) return `${slug}-${n}`;
  return `${slug}-${taken.size + 1}`;
}

/** Appends a column titled `title` (trimmed). */
export function addColumn(columns: readonly ColumnSpec[], title: string): ColumnsChange {
  const trimmed = title.trim();
  const bad = checkTitle(trimmed);
  if (bad) return { ok: false, error: bad };
  if (columns.length >= MAX_BOARD_COLUMNS)
    return { ok: false, error: `A board has at most ${MAX_BOARD_COLUMNS} columns.` };
  const id = columnIdFor(trimmed, new Set(columns.map((c) => c.id)));
  return { ok: true, value: [...columns, { id, title: trimmed }] };
}

/** Gives column `id` the title `title` (trimmed); its id, and so its notes, stay. */
export function renameColumn(columns: readonly ColumnSpec[], id: string, title: string): ColumnsChange {
  const trimmed = title.trim();
  const bad = checkTitle(trimmed);
  if (bad) return { ok: false, error: bad };
  if (!columns.some((c) => c.id === id)) return { ok: false, error: `No column ${id}.` };
  return { ok: true, value: columns.map((c) => (c.id === id ? { id, title: trimmed } : c)) };
}

/** Removes column `id`; a board keeps at least one column. (Callers offer it only for empty columns.) */
export function removeColumn(columns: readonly ColumnSpec[], id: string): ColumnsChange {
  if (!columns.some((c) => c.id === id)) return { ok: false, error: `No column ${id}.` };
  if (columns.length <= 1) return { ok: false, error: 'A board keeps at least one column.' };
  return { ok: true, value: columns.filter((c) => c.id !== id) };
}
