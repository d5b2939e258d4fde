import type { JsonValue } from '@easel/schemas';
import { compareStrings, isRecord, readBoolean, readColor, readNumber, readString } from '../lib/readJson.ts';

/** Columns when neither `layout.columns` nor the `board.columns` token name any. */
export const DEFAULT_BOARD_COLUMNS: readonly string[] = ['todo', 'doing', 'done'];

/** Most columns shown (a longer list is cut). */
export const MAX_BOARD_COLUMNS = 32;

/** Longest column id or title kept. */
export const MAX_COLUMN_LABEL = 200;

/**
 * One note of the `notes` map. Stored shape (what `state.ops` inserts):
 * `{text: string, column?: string, order?: number, color?: "#rrggbb"}`; a bare string reads as its text.
 */
export interface BoardNote {
  id: string;
  text: string;
  /** The column id the note is stored under (may name no existing column: see `unsorted`). */
  column: string;
  /** Position inside the column (ascending); notes without one come last, by id. */
  order: number | null;
  color: string | null;
  /** True when the stored value is an object (fields can be updated by path); false for a bare value. */
  structured: boolean;
}

export interface BoardColumn {
  id: string;
  title: string;
  notes: BoardNote[];
}

/** The typed projection the board component renders. */
export interface BoardProjection {
  title: string;
  status: string;
  accent: string;
  textColor: string;
  dense: boolean;
  columns: BoardColumn[];
  /** Notes whose column is not in the layout, in id order. */
  unsorted: BoardNote[];
  noteCount: number;
  /**
   * Where the columns come from: the `layout.columns` state (which wins), the `board.columns`
   * token, or {@link DEFAULT_BOARD_COLUMNS}. Only the last two change with `board.columns`.
   */
  columnsSource: 'layout' | 'token' | 'default';
}

/**
 * Reads a column list: an array of ids or `{id, title?}` objects. Duplicates and blanks are dropped;
 * null when the value is not a non-empty list of usable columns.
 */
export function readColumns(value: unknown): { id: string; title: string }[] | null {
  if (!Array.isArray(value)) return null;
  const seen = new Set<string>();
  const out: { id: string; title: string }[] = [];
  for (const entry of value) {
    if (out.length >= MAX_BOARD_COLUMNS) break;
    const id = typeof entry === 'string' ? entry : isRecord(entry) ? readString(entry.id) : undefined;
    if (id === undefined || id.trim() === '' || id.length > MAX_COLUMN_LABEL || seen.has(id)) continue;
    const title = isRecord(entry) ? (readString(entry.title) ?? id) : id;
    seen.add(id);
    out.push({ id, title: title.slice(0, MAX_COLUMN_LABEL) });
  }
  return out.length > 0 ? out : null;
}

/** Reads one entry of the `notes` map; null when it cannot be shown as a note. */
export function readNote(id: string, value: unknown, fallbackColumn: string): BoardNote | null {
  if (typeof value === 'string') {
    return { id, text: value, column: fallbackColumn, order: null, color: null, structured: false };
  }
  if (!isRecord(value)) return null;
  const text = readString(value.text) ?? readString(value.title) ?? '';
  const column = readString(value.column) ?? fallbackColumn;
  return {
    id,
    text,
    column,
    order: readNumber(value.order) ?? null,
    color: readColor(value.color) ?? null,
    structured: true,
  };
}

function compareNotes(a: BoardNote, b: BoardNote): number {
  if (a.order !== null && b.order !== null && a.order !== b.order) return a.order - b.order;
  if (a.order !== null && b.order === null) return -1;
  if (a.order === null && b.order !== null) return 1;
  return compareStrings(a.id, b.id);
}

/**
 * The board projection of a canvas's JSON state and tokens. Columns come from `layout.columns`,
 * else the `board.columns` token, else {@link DEFAULT_BOARD_COLUMNS}; a note without a column sits in
 * the first one. Never throws, whatever the state holds.
 */
export function projectBoard(state: Record<string, JsonValue>, tokens: Record<string, JsonValue>): BoardProjection {
  const layout = isRecord(state.layout) ? state.layout : {};
  const fromLayout = readColumns(layout.columns);
  const fromToken = fromLayout === null ? readColumns(tokens['board.columns']) : null;
  const columnSpecs = fromLayout ?? fromToken ?? DEFAULT_BOARD_COLUMNS.map((id) => ({ id, title: id }));
  const columnsSource = fromLayout !== null ? 'layout' : fromToken !== null ? 'token' : 'default';
  const firstColumn = columnSpecs[0]!.id;
  const columns: BoardColumn[] = columnSpecs.map((c) => ({ ...c, notes: [] }));
  const byId = new Map(columns.map((c) => [c.id, c]));
  const unsorted: BoardNote[] = [];
  let noteCount = 0;
  const notes = isRecord(state.notes) ? state.notes : {};
  for (const [id, value] of Object.entries(notes)) {
    const note = readNote(id, value, firstColumn);
    if (note === null) continue;
    noteCount++;
    const column = byId.get(note.column);
    if (column) column.notes.push(note);
    else unsorted.push(note);
  }
  for (const column of columns) column.notes.sort(compareNotes);
  unsorted.sort(compareNotes);
  return {
    title: readString(tokens['plan.title']) ?? '',
    status: readString(tokens['plan.status']) ?? 'draft',
    accent: readColor(tokens['style.accent']) ?? '#3b82f6',
    textColor: readColor(tokens['style.color']) ?? '#000000',
    dense: readBoolean(tokens['style.dense']) ?? false,
    columns,
    unsorted,
    noteCount,
    columnsSource,
  };
}
