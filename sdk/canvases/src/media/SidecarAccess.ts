import type { SnapshotCreatedPayload } from '@easel/schemas';

/** A completed upload (the `snapshot_created` payload: refs only), or why not. */
export type UploadedSidecar = { ok: true; ref: SnapshotCreatedPayload } | { ok: false; code: string; message: string };

/** A presigned GET for a sidecar (contract §8), or why not. */
export type ResolvedSidecar = { ok: true; url: string } | { ok: false; code: string; message: string };

/**
 * What the media canvas needs beyond `CanvasProps`: the actor's sidecar permissions (contract §6:
 * `sidecars.see`, `sidecars.resolve`), a resolver, and sidecars announced on the canvas stream.
 * The host fills it from the lens (`useLens().me.permissions.sidecars`) and the transport's sidecar client.
 */
export interface SidecarAccess {
  /** May the actor see that sidecars exist (their references)? */
  see: boolean;
  /** May the actor open them (presigned GET)? */
  resolve: boolean;
  /** `GET /v1/sidecars/{artifact_id}`: a presigned URL. Absent: previews are not offered. */
  resolveUrl?: (artifactId: string) => Promise<ResolvedSidecar>;
  /**
   * Uploads a file as a sidecar of this canvas (contract §8: reserve, PUT to S3, complete). Absent:
   * the gallery offers no upload. The host implements it (a canvas opens no connection).
   */
  upload?: (file: File) => Promise<UploadedSidecar>;
  /** Sidecars announced by `snapshot_created` on this canvas (they can be added to the gallery). */
  announced?: readonly SnapshotCreatedPayload[];
}

/** Accepts only http(s) URLs as media sources (never `javascript:` or `data:`). */
export function safeMediaUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}
