import {
  BOARD_COLUMNS_TOKEN,
  BoardCanvas,
  type BoardProjection,
  boardCanvas,
  builtinCanvases,
  MediaCanvas,
  type MediaProjection,
  mediaCanvas,
  liveRunConsoleCanvas,
  type SidecarAccess,
  WhiteboardCanvas,
  type WhiteboardProjection,
  whiteboardCanvas,
} from '@easel/canvases';
import { type AnyCanvasCartridge, type CanvasProps, useLens, useRealtime, useTokens } from '@easel/harness';
import type { SnapshotCreatedPayload } from '@easel/schemas';
import { type ReactNode, useMemo } from 'react';
import { useSidecarCalls } from './useSidecarCalls.ts';

/** The media gallery with what the host knows: the lens's sidecar rights, a resolver and uploads. */
function HostMediaCanvas(props: CanvasProps<MediaProjection>): ReactNode {
  const lens = useLens();
  const snapshots = useRealtime({ limit: 50, types: ['snapshot_created'] });
  const rights = lens.me?.permissions.sidecars ?? { see: false, resolve: false };
  const calls = useSidecarCalls();
  const announced = useMemo(
    () =>
      snapshots
        .map((entry) => entry.payload as unknown)
        .filter((p): p is SnapshotCreatedPayload => typeof (p as { artifact_id?: unknown }).artifact_id === 'string'),
    [snapshots],
  );
  const access: SidecarAccess = { see: rights.see, resolve: rights.resolve, announced, ...calls };
  if (lens.status === 'loading') return <p className="host-muted">Checking your media permissions…</p>;
  return <MediaCanvas {...props} sidecars={access} />;
}

/** The whiteboard, able to show the thumbnail its Thumbnail tool stored (when the lens lets the viewer open sidecars). */
function HostWhiteboardCanvas(props: CanvasProps<WhiteboardProjection>): ReactNode {
  const lens = useLens();
  const { resolveUrl } = useSidecarCalls();
  const resolve = lens.me?.permissions.sidecars.resolve ?? false;
  return <WhiteboardCanvas {...props} sidecars={{ resolve, resolveUrl }} />;
}

/** The board, offering its Columns editor only to a viewer the lens lets change `board.columns`. */
function HostBoardCanvas(props: CanvasProps<BoardProjection>): ReactNode {
  const reason = useTokens().whyReadOnly(BOARD_COLUMNS_TOKEN);
  return <BoardCanvas {...props} columnsAccess={{ canWrite: reason === null, reason }} />;
}

/** Cartridges by canvas type: the built-ins, with board, media, whiteboard and run-console wired to host data. */
export const hostCartridges: Readonly<Record<string, AnyCanvasCartridge>> = {
  ...builtinCanvases,
  board: { ...boardCanvas, Component: HostBoardCanvas },
  media: { ...mediaCanvas, Component: HostMediaCanvas },
  whiteboard: { ...whiteboardCanvas, Component: HostWhiteboardCanvas },
  'run-console': liveRunConsoleCanvas,
};
