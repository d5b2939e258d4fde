import { defineCanvas } from '@easel/harness';
import { WHITEBOARD_MANIFEST } from '@easel/schemas';
import { projectWhiteboard } from './projectWhiteboard.ts';
import { WhiteboardCanvas } from './WhiteboardCanvas.tsx';
import { whiteboardToolArgs } from './whiteboardToolArgs.ts';

/** The `whiteboard` cartridge: SVG shapes (state.ops on `shapes`), live cursors, plugin thumbnail. */
export const whiteboardCanvas = defineCanvas({
  manifest: WHITEBOARD_MANIFEST,
  project: projectWhiteboard,
  Component: WhiteboardCanvas,
  drawsOwnCursors: true,
  toolArgs: whiteboardToolArgs,
});
