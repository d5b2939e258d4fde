import type { EmitResult } from '@easel/harness';
import { MediaPreview } from '../media/MediaPreview.tsx';
import { formatBytes, type MediaItem } from '../media/projectMedia.ts';
import type { SidecarAccess } from '../media/SidecarAccess.ts';
import { thumbnailRefOf } from './thumbnailRefOf.ts';

/** Where the Thumbnail tool is. */
export type ThumbnailState = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; result: EmitResult };

/** What the whiteboard needs to show a stored thumbnail: the lens's `sidecars.resolve` and a resolver. */
export type WhiteboardSidecars = Pick<SidecarAccess, 'resolve' | 'resolveUrl'>;

/** Edge of the thumbnail preview, CSS pixels. */
const PREVIEW_EDGE = 160;

/**
 * The Thumbnail tool's outcome (`data-testid="thumbnail-status"`): busy, failed with the reason,
 * or done; when the job stored its PNG as a sidecar, its size, and the image itself where the
 * viewer may open sidecars (`sidecars.resolve`, presigned GET through the host's resolver).
 */
export function WhiteboardThumbnail({ state, sidecars }: { state: ThumbnailState; sidecars?: WhiteboardSidecars }) {
  const ref = state.kind === 'done' ? thumbnailRefOf(state.result) : null;
  const text =
    state.kind === 'idle'
      ? ''
      : state.kind === 'busy'
        ? 'Requesting thumbnail…'
        : !state.result.ok
          ? `Thumbnail failed (${state.result.code}): ${state.result.message}`
          : ref === null
            ? 'Thumbnail requested'
            : `Thumbnail saved (${ref.mime}${ref.size !== null ? `, ${formatBytes(ref.size)}` : ''})`;
  const item: MediaItem | null =
    ref === null
      ? null
      : {
          key: ref.artifactId,
          artifactId: ref.artifactId,
          mime: ref.mime,
          kind: 'image',
          size: ref.size,
          title: 'Whiteboard thumbnail',
          createdAt: null,
          frames: null,
        };
  return (
    <div className="easel-wb-thumbnail-row" data-state={state.kind}>
      <output className="easel-wb-thumbnail-status" data-testid="thumbnail-status" aria-live="polite">
        {text}
      </output>
      {item !== null && sidecars?.resolve && sidecars.resolveUrl ? (
        <div className="easel-wb-thumbnail" data-testid="thumbnail-preview">
          <MediaPreview item={item} thumb={PREVIEW_EDGE} resolveUrl={sidecars.resolveUrl} />
        </div>
      ) : null}
    </div>
  );
}
