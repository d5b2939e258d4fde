import type { AnyCanvasCartridge } from '@easel/harness';
import { boardCanvas } from './board/boardCartridge.ts';
import { docCanvas } from './doc/docCartridge.ts';
import { mediaCanvas } from './media/mediaCartridge.ts';
import { runConsoleCanvas } from './runConsole/runConsoleCartridge.ts';
import { whiteboardCanvas } from './whiteboard/whiteboardCartridge.ts';

/** Every built-in cartridge, by canvas type. */
export const builtinCanvases: Readonly<Record<string, AnyCanvasCartridge>> = Object.freeze({
  board: boardCanvas,
  whiteboard: whiteboardCanvas,
  doc: docCanvas,
  'run-console': runConsoleCanvas,
  media: mediaCanvas,
});

/**
 * Canvas types the gateway does not register itself: the host registers their manifests with
 * `PUT /v1/projects/{project_id}/canvas-types/{type}` (contract §5) before creating such canvases.
 */
export const HOST_REGISTERED_CANVAS_TYPES: readonly string[] = ['doc', 'run-console', 'media'];

/**
 * Canvas types that draw peers' cursors themselves, in their own coordinates (they call
 * `presence.setCursor` with world units): mount them with `<CanvasHost cursors={false}>`.
 */
export const OWN_CURSOR_CANVAS_TYPES: ReadonlySet<string> = new Set(['whiteboard']);
