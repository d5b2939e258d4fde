import { BOARD_MANIFEST, stateOpsCommandPayloadSchema } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { boardToolArgs } from './boardToolArgs.ts';
import { projectBoard } from './projectBoard.ts';

describe('boardToolArgs', () => {
  it('[CONTRACT 5] add-note (the toolbar tool) is a valid state.ops payload adding a note at the end of the first column', () => {
    const state = {
      notes: { a: { text: 'A', column: 'doing', order: 0 }, b: { text: 'B', column: 'doing', order: 4 } },
      layout: { columns: ['doing', 'done'] },
    };
    const payload = boardToolArgs['add-note'](projectBoard(state, {}));
    expect(stateOpsCommandPayloadSchema.safeParse(payload).success).toBe(true);
    expect(payload).toEqual({
      ops: [
        {
          op: 'insert',
          root: 'notes',
          key: expect.stringMatching(/^note-/),
          value: { text: 'New note', column: 'doing', order: 5 },
        },
      ],
    });
    expect(BOARD_MANIFEST.tools.some((t) => t.id === 'add-note')).toBe(true);
  });
});
