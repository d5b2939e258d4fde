import { useEffect, useState } from 'react';
import type { MediaItem } from './projectMedia.ts';
import { type ResolvedSidecar, safeMediaUrl } from './SidecarAccess.ts';

type Loaded = { state: 'loading' } | { state: 'ready'; url: string } | { state: 'failed'; message: string };

/**
 * Resolves one sidecar to a presigned URL and shows it (image, video, audio, or a link), sized `thumb`.
 * `data-testid="media-preview-<artifact id>"`.
 */
export function MediaPreview(props: {
  item: MediaItem;
  thumb: number;
  resolveUrl: (artifactId: string) => Promise<ResolvedSidecar>;
}) {
  const { item, thumb, resolveUrl } = props;
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setLoaded({ state: 'loading' });
    resolveUrl(item.artifactId).then(
      (result) => {
        if (!live) return;
        if (!result.ok) return setLoaded({ state: 'failed', message: `${result.message} (${result.code})` });
        const url = safeMediaUrl(result.url);
        setLoaded(
          url === null ? { state: 'failed', message: 'the sidecar URL is not http(s)' } : { state: 'ready', url },
        );
      },
      (error: unknown) => {
        if (live) setLoaded({ state: 'failed', message: error instanceof Error ? error.message : 'could not resolve' });
      },
    );
    return () => {
      live = false;
    };
  }, [item.artifactId, resolveUrl]);
  const testId = `media-preview-${item.artifactId}`;
  const alt = item.title === '' ? `${item.mime} ${item.artifactId}` : item.title;
  if (loaded.state === 'loading') {
    return (
      <div className="easel-media-preview" data-testid={testId} data-state="loading" aria-busy="true">
        Loading…
      </div>
    );
  }
  if (loaded.state === 'failed') {
    return (
      <div className="easel-media-preview" data-testid={testId} data-state="failed" role="alert">
        Could not open: {loaded.message}
      </div>
    );
  }
  const style = { maxWidth: thumb, maxHeight: thumb };
  return (
    <div className="easel-media-preview" data-testid={testId} data-state="ready">
      {item.kind === 'image' ? (
        <img src={loaded.url} alt={alt} style={style} />
      ) : item.kind === 'video' ? (
        // biome-ignore lint/a11y/useMediaCaption: sidecar media carries no caption track
        <video src={loaded.url} controls style={style} aria-label={alt} />
      ) : item.kind === 'audio' ? (
        // biome-ignore lint/a11y/useMediaCaption: sidecar media carries no caption track
        <audio src={loaded.url} controls aria-label={alt} />
      ) : (
        <a href={loaded.url} target="_blank" rel="noreferrer noopener">
          Open {alt}
        </a>
      )}
    </div>
  );
}
