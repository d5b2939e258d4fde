import type { EmitResult } from '@easel/harness';
import { isRecord, readNumber, readString } from '../lib/readJson.ts';

/** The stored thumbnail a Thumbnail job made: a sidecar reference (never bytes). */
export interface ThumbnailRef {
  readonly artifactId: string;
  readonly mime: string;
  readonly size: number | null;
}

/**
 * The sidecar the `whiteboard-thumbnail` job stored its PNG in: `png_sidecar` of the job result's
 * first frame output (`result` is one output per frame), or of the result itself. Null when the
 * job kept no image (a gateway without sidecar storage, or one that refused to store it).
 */
export function thumbnailRefOf(result: EmitResult): ThumbnailRef | null {
  if (!result.ok || result.job === undefined) return null;
  const value = result.job.result;
  const first = Array.isArray(value) ? value[0] : value;
  if (!isRecord(first) || !isRecord(first.png_sidecar)) return null;
  const ref = first.png_sidecar;
  const artifactId = readString(ref.artifact_id);
  const mime = readString(ref.mime) ?? 'image/png';
  if (artifactId === undefined || artifactId === '') return null;
  const size = readNumber(ref.size);
  return { artifactId, mime, size: size !== undefined && size >= 0 ? size : null };
}
