// @ts-check
import { isRecord } from '../shared/whiteboardShapes.mjs';

/** Columns of a board whose `board.columns` token is unset or not a list of strings. */
export const DEFAULT_BOARD_COLUMNS = Object.freeze(['todo', 'doing', 'done']);

/** Note fields whose words are counted. */
const TEXT_FIELDS = /** @type {const} */ (['title', 'text', 'body']);

/**
 * Board statistics (see ../README.md, "Board notes").
 * @typedef {object} BoardStats
 * @property {number} notes
 * @property {number} words
 * @property {number} characters
 * @property {string[]} columns
 * @property {Record<string, number>} notes_by_column
 * @property {number} unplaced
 * @property {Record<string, number>} notes_by_status
 * @property {number} without_status
 */

/**
 * Statistics of a board's `notes` and `layout` roots. A note is a string (its text) or an object
 * with `title`/`text`/`body` strings, `column` and `status`; a note without `column` takes
 * `layout[<note id>]` (a column name, or `{column}`).
 * @param {unknown} notes the `notes` root (a map)
 * @param {unknown} layout the `layout` root (a map)
 * @param {unknown} columnsToken the `board.columns` token value
 * @returns {BoardStats}
 */
export function boardStats(notes, layout, columnsToken) {
  const columns =
    Array.isArray(columnsToken) && columnsToken.every((c) => typeof c === 'string')
      ? /** @type {string[]} */ ([...new Set(columnsToken)])
      : [...DEFAULT_BOARD_COLUMNS];
  /** @type {Record<string, number>} */
  const byColumn = Object.create(null);
  for (const column of columns) byColumn[column] = 0;
  /** @type {Record<string, number>} */
  const byStatus = Object.create(null);
  const layoutMap = isRecord(layout) ? layout : {};
  let count = 0;
  let words = 0;
  let characters = 0;
  let unplaced = 0;
  let withoutStatus = 0;
  for (const [id, note] of Object.entries(isRecord(notes) ? notes : {})) {
    count++;
    for (const text of textsOf(note)) {
      characters += text.length;
      words += countWords(text);
    }
    const column = columnOf(note, layoutMap[id]);
    if (column === undefined) unplaced++;
    else byColumn[column] = (byColumn[column] ?? 0) + 1;
    const status = isRecord(note) && typeof note.status === 'string' ? note.status : undefined;
    if (status === undefined) withoutStatus++;
    else byStatus[status] = (byStatus[status] ?? 0) + 1;
  }
  return {
    notes: count,
    words,
    characters,
    columns,
    notes_by_column: { ...byColumn },
    unplaced,
    notes_by_status: { ...byStatus },
    without_status: withoutStatus,
  };
}

/** @param {unknown} note @returns {string[]} */
export function textsOf(note) {
  if (typeof note === 'string') return [note];
  if (!isRecord(note)) return [];
  /** @type {string[]} */
  const texts = [];
  for (const field of TEXT_FIELDS) {
    const value = note[field];
    if (typeof value === 'string') texts.push(value);
  }
  return texts;
}

/** @param {string} text @returns {number} */
function countWords(text) {
  let n = 0;
  const re = /\S+/g;
  while (re.exec(text) !== null) n++;
  return n;
}

/** @param {unknown} note @param {unknown} placement @returns {string | undefined} */
function columnOf(note, placement) {
  if (isRecord(note) && typeof note.column === 'string') return note.column;
  if (typeof placement === 'string') return placement;
  if (isRecord(placement) && typeof placement.column === 'string') return placement.column;
  return undefined;
}
