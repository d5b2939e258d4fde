import { BOARD_MANIFEST, type CanvasTypeManifest, WHITEBOARD_MANIFEST } from '@easel/schemas';

/** `board`: sticky notes and a layout (contract §5 built-in; defined in `@easel/schemas`). */
export const BOARD_CANVAS_TYPE: CanvasTypeManifest = BOARD_MANIFEST;

/** `whiteboard`: shapes in layers (contract §5 built-in; defined in `@easel/schemas`). */
export const WHITEBOARD_CANVAS_TYPE: CanvasTypeManifest = WHITEBOARD_MANIFEST;

/** Canvas types every project has. A project may register its own under the same name. */
export const BUILTIN_CANVAS_TYPES: readonly CanvasTypeManifest[] = [BOARD_CANVAS_TYPE, WHITEBOARD_CANVAS_TYPE];
