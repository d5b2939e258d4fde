import type { JsonValue } from '@easel/schemas';
import { newId } from '../lib/newId.ts';
import { addNoteOps, nextOrder } from './boardOps.ts';
import type { BoardProjection } from './projectBoard.ts';

/**
 * The board's manifest tools run from the harness toolbar (ToolPop): `add-note` adds a "New note"
 * at the end of the first column (as the board's own form does with an empty draft).
 */
export const boardToolArgs = {
  'add-note': (projection: BoardProjection): JsonValue => {
    const column = projection.columns[0];
    return { ops: addNoteOps(newId('note'), 'New note', column?.id ?? 'todo', nextOrder(column)) as JsonValue };
  },
} as const;
