import type { CanvasProps } from '@easel/harness';
import { useId } from 'react';
import { ReadOnlyBadge } from '../lib/ReadOnlyBadge.tsx';
import { RejectedNotice } from '../lib/RejectedNotice.tsx';
import { MediaPreview } from './MediaPreview.tsx';
import { addMediaOps, removeMediaOps } from './mediaOps.ts';
import { MediaUpload } from './MediaUpload.tsx';
import { formatBytes, type MediaItem, type MediaProjection } from './projectMedia.ts';
import type { SidecarAccess } from './SidecarAccess.ts';

/** Props of the media canvas: the cartridge contract plus the actor's sidecar access (deny when absent). */
export type MediaCanvasProps = CanvasProps<MediaProjection> & { sidecars?: SidecarAccess };

/**
 * The media gallery. Permission-gated (contract §6): without `sidecars.see` it shows a clear
 * "not permitted" state and no references; without `sidecars.resolve` it lists references but opens none.
 */
export function MediaCanvas(props: MediaCanvasProps) {
  const { projection, emit, readOnly, rejected, sidecars } = props;
  const headingId = useId();
  const title = projection.title === '' ? 'Media' : projection.title;
  const header = (
    <header>
      <h2 id={headingId}>{title}</h2>
      <ReadOnlyBadge readOnly={readOnly} />
    </header>
  );
  if (sidecars === undefined || !sidecars.see) {
    return (
      <section className="easel-media" aria-labelledby={headingId}>
        {header}
        <div className="easel-media-denied" data-testid="media-not-permitted" role="status">
          <strong>Not permitted.</strong>{' '}
          {sidecars === undefined
            ? 'This view was given no sidecar permissions, so media stays hidden.'
            : 'Your role may not see media on this canvas. Ask a project admin for sidecar access.'}
        </div>
      </section>
    );
  }
  const inGallery = new Set(projection.items.map((i) => i.artifactId));
  const announced = (sidecars.announced ?? []).filter((p) => !inGallery.has(p.artifact_id));
  const canOpen = sidecars.resolve && sidecars.resolveUrl !== undefined;
  return (
    <section className="easel-media" aria-labelledby={headingId}>
      {header}
      <RejectedNotice rejected={rejected} />
      {!sidecars.resolve ? (
        <p className="easel-media-no-resolve" data-testid="media-no-resolve" role="note">
          You may see which media exist, but your role may not open them.
        </p>
      ) : null}
      {!readOnly && sidecars.upload ? <MediaUpload upload={sidecars.upload} emit={emit} /> : null}
      {projection.items.length === 0 ? (
        <p className="easel-media-empty">
          No media in this gallery yet. Images appear here when{' '}
          {!readOnly && sidecars.upload ? 'you upload them, or ' : ''}
          an agent, a job or an app uploads them as sidecars of this canvas
          {!readOnly && announced.length > 0 ? ' (new uploads are listed below)' : ''}.
        </p>
      ) : (
        <ul className="easel-media-gallery" data-testid="media-gallery" aria-label={`${title} gallery`}>
          {projection.items.map((item) => (
            <li key={item.key} className="easel-media-item" data-testid={`media-item-${item.artifactId}`}>
              {canOpen && sidecars.resolveUrl ? (
                <MediaPreview item={item} thumb={projection.thumb} resolveUrl={sidecars.resolveUrl} />
              ) : null}
              <MediaCaption item={item} />
              {readOnly ? null : (
                <button
                  type="button"
                  aria-label={`Remove ${item.title || item.artifactId} from the gallery`}
                  onClick={() => void emit.ops(removeMediaOps(item.key))}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {projection.skipped > 0 ? (
        <p className="easel-media-skipped">{projection.skipped} entries are not media references.</p>
      ) : null}
      {!readOnly && announced.length > 0 ? (
        <section className="easel-media-announced" aria-label="New sidecars">
          <h3>New sidecars</h3>
          <ul>
            {announced.map((payload) => (
              <li key={payload.artifact_id} data-testid={`media-announced-${payload.artifact_id}`}>
                {payload.mime}, {formatBytes(payload.size)}{' '}
                <button type="button" onClick={() => void emit.ops(addMediaOps(payload))}>
                  Add to gallery
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}

function MediaCaption({ item }: { item: MediaItem }) {
  return (
    <p className="easel-media-caption">
      <span className="easel-media-title">{item.title === '' ? item.artifactId : item.title}</span>{' '}
      <span className="easel-media-meta">
        {item.mime}
        {item.size !== null ? `, ${formatBytes(item.size)}` : ''}
        {item.frames !== null ? `, frames ${item.frames}` : ''}
      </span>
    </p>
  );
}
