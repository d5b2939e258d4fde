/**
 * A React app of the packed `@easel/canvases` (written as `canvases.tsx` into the consumer project of
 * e2e/src/packedConsumer.test.ts and type-checked there with `consumer.ts` and `harness.tsx`): it mounts
 * the built-in board cartridge with the harness's `CanvasHost` on a recorded stream. Kept as text: this
 * repository's e2e package depends on neither package, so the file would not resolve here. Each
 * `@ts-expect-error` fails to compile if a declaration degraded to `any`.
 */
export const CANVASES_CONSUMER_TSX = `import {
  type BoardProjection,
  boardCanvas,
  builtinCanvases,
  HOST_REGISTERED_CANVAS_TYPES,
  MediaCanvas,
  type MediaCanvasProps,
  projectBoard,
  type WhiteboardProjection,
} from '@easel/canvases';
import { type AnyCanvasCartridge, type CanvasCartridge, CanvasHost, HarnessStyles } from '@easel/harness';
import { demoRecording, RecordedEaselProvider } from '@easel/harness/testing';
import type { ReactNode } from 'react';

export const board = (): ReactNode => (
  <RecordedEaselProvider recording={demoRecording()}>
    <HarnessStyles />
    <CanvasHost cartridge={boardCanvas} cursors={false} />
  </RecordedEaselProvider>
);
export const byType: Readonly<Record<string, AnyCanvasCartridge>> = builtinCanvases;
export const hostRegistered: readonly string[] = HOST_REGISTERED_CANVAS_TYPES;
export const typed: CanvasCartridge<BoardProjection> = boardCanvas;
// @ts-expect-error the board cartridge projects a board, not a whiteboard
export const mismatched: CanvasCartridge<WhiteboardProjection> = boardCanvas;
export const title: string = projectBoard({}, { 'plan.title': 'Q3' }).title;
// @ts-expect-error a projection reads the JSON of the roots
projectBoard('notes', {});
export const media = (props: MediaCanvasProps): ReactNode => <MediaCanvas {...props} />;
`;
