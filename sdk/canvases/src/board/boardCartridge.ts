import { defineCanvas } from '@easel/harness';
import { BOARD_MANIFEST } from '@easel/schemas';
import { BoardCanvas } from './BoardCanvas.tsx';
import { boardToolArgs } from './boardToolArgs.ts';
import { projectBoard } from './projectBoard.ts';

/** The `board` cartridge: planning notes in columns (state.ops on `notes`; columns from `layout`). */
export const boardCanvas = defineCanvas({
  manifest: BOARD_MANIFEST,
  project: projectBoard,
  Component: BoardCanvas,
  toolArgs: boardToolArgs,
});
