// @easel/canvases — built-in cartridges, written only against `defineCanvas` (@easel/harness). Named exports only.

export {
  builtinCanvases,
  HOST_REGISTERED_CANVAS_TYPES,
  OWN_CURSOR_CANVAS_TYPES,
} from './builtinCanvases.ts';

// board
export { boardCanvas } from './board/boardCartridge.ts';
export { BoardCanvas, type BoardCanvasProps } from './board/BoardCanvas.tsx';
export { type BoardColumnsAccess, BoardColumnsEditor, type EditableColumn } from './board/BoardColumnsEditor.tsx';
export {
  addColumn,
  BOARD_COLUMNS_TOKEN,
  type ColumnSpec,
  type ColumnsChange,
  columnsTokenValue,
  removeColumn,
  renameColumn,
} from './board/boardColumnsOps.ts';
export { BOARD_MANIFEST } from '@easel/schemas';
export {
  DEFAULT_BOARD_COLUMNS,
  projectBoard,
  type BoardColumn,
  type BoardNote,
  type BoardProjection,
} from './board/projectBoard.ts';
export { addNoteOps, deleteNoteOps, editNoteOps, moveNoteOps, NOTES_ROOT } from './board/boardOps.ts';

// whiteboard
export { whiteboardCanvas } from './whiteboard/whiteboardCartridge.ts';
export { WhiteboardCanvas, type WhiteboardCanvasProps } from './whiteboard/WhiteboardCanvas.tsx';
export type { WhiteboardSidecars } from './whiteboard/WhiteboardThumbnail.tsx';
export { type ThumbnailRef, thumbnailRefOf } from './whiteboard/thumbnailRefOf.ts';
export { WHITEBOARD_MANIFEST } from '@easel/schemas';
export { WHITEBOARD_THUMBNAIL_TOOL } from './whiteboard/whiteboardThumbnailTool.ts';
export {
  projectWhiteboard,
  SHAPE_KINDS,
  type ShapeKind,
  type WhiteboardLayer,
  type WhiteboardProjection,
  type WhiteboardShape,
} from './whiteboard/projectWhiteboard.ts';
export {
  addShapeOps,
  deleteShapeOps,
  moveShapeOps,
  resizeShapeOps,
  SHAPES_ROOT,
  type ShapeBox,
} from './whiteboard/whiteboardOps.ts';

// doc
export { docCanvas } from './doc/docCartridge.ts';
export { DOC_MANIFEST } from './doc/docManifest.ts';
export { BLOCK_KINDS, projectDoc, type BlockKind, type DocBlock, type DocProjection } from './doc/projectDoc.ts';

// run console
export { runConsoleCanvas } from './runConsole/runConsoleCartridge.ts';
export { LiveRunConsoleCanvas, liveRunConsoleCanvas } from './runConsole/LiveRunConsoleCanvas.tsx';
export { RUN_CONSOLE_MANIFEST } from './runConsole/runConsoleManifest.ts';
export { projectRunConsole, type RunConsoleProjection, type RunRecord } from './runConsole/projectRunConsole.ts';
export {
  RunConsole,
  type RunConsoleProps,
  type RunConsoleTurn,
  type RunFeed,
  type RunFeedStatus,
} from './runConsole/RunConsole.tsx';
export { RunConsoleCanvas, type RunConsoleCanvasProps } from './runConsole/RunConsoleCanvas.tsx';
export { summarizeRun, type RunEntry, type RunSummary } from './runConsole/summarizeRun.ts';

// media
export { mediaCanvas } from './media/mediaCartridge.ts';
export { MEDIA_MANIFEST } from './media/mediaManifest.ts';
export { projectMedia, type MediaItem, type MediaKind, type MediaProjection } from './media/projectMedia.ts';
export { MediaCanvas, type MediaCanvasProps } from './media/MediaCanvas.tsx';
export type { ResolvedSidecar, SidecarAccess, UploadedSidecar } from './media/SidecarAccess.ts';
