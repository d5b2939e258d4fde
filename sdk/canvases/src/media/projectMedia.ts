import { type JsonValue, opaqueIdSchema, type SnapshotCreatedPayload } from '@easel/schemas';
import { compareStrings, isRecord, readNumber, readString } from '../lib/readJson.ts';

/** How an item previews. */
export type MediaKind = 'image' | 'video' | 'audio' | 'other';

/** One gallery entry (a sidecar reference). */
export interface MediaItem {
  /** The `items` key. */
  key: string;
  artifactId: string;
  mime: string;
  kind: MediaKind;
  size: number | null;
  title: string;
  createdAt: string | null;
  /** `start–end` when the sidecar covers frames. */
  frames: string | null;
}

/** Thumbnail edge per `media.size` token, in CSS pixels. */
export const MEDIA_SIZES: Record<string, number> = { small: 96, medium: 160, large: 280 };

/** The typed projection of a `media` canvas. */
export interface MediaProjection {
  title: string;
  /** Newest first (by `created_at`, then key). */
  items: MediaItem[];
  /** Edge of a preview in CSS pixels. */
  thumb: number;
  /** Entries of `items` that are not sidecar references. */
  skipped: number;
}

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

/** The preview kind of a MIME type. */
export function mediaKind(mime: string): MediaKind {
  const top = mime.slice(0, mime.indexOf('/')).toLowerCase();
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'other';
}

/** Reads one `items` entry; null unless it names a valid artifact id and MIME type. */
export function readMediaItem(key: string, value: unknown): MediaItem | null {
  if (!isRecord(value)) return null;
  const artifactId = readString(value.artifact_id) ?? key;
  const mime = readString(value.mime);
  if (!opaqueIdSchema.safeParse(artifactId).success || mime === undefined || !MIME.test(mime)) return null;
  const size = readNumber(value.size);
  const range = isRecord(value.frame_range) ? value.frame_range : null;
  const start = range ? readNumber(range.start) : undefined;
  const end = range ? readNumber(range.end) : undefined;
  return {
    key,
    artifactId,
    mime,
    kind: mediaKind(mime),
    size: size !== undefined && size >= 0 ? size : null,
    title: (readString(value.title) ?? '').slice(0, 200),
    createdAt: readString(value.created_at) ?? null,
    frames: start !== undefined && end !== undefined ? `${start}–${end}` : null,
  };
}

/** The media projection. Never throws. */
export function projectMedia(state: Record<string, JsonValue>, tokens: Record<string, JsonValue>): MediaProjection {
  const stored = isRecord(state.items) ? state.items : {};
  const items: MediaItem[] = [];
  let skipped = 0;
  for (const [key, value] of Object.entries(stored)) {
    const item = readMediaItem(key, value);
    if (item === null) skipped++;
    else items.push(item);
  }
  items.sort((a, b) => compareStrings(b.createdAt ?? '', a.createdAt ?? '') || compareStrings(a.key, b.key));
  return {
    title: readString(tokens['plan.title']) ?? '',
    items,
    thumb: ownValue(MEDIA_SIZES, readString(tokens['media.size'])) ?? 160,
    skipped,
  };
}

/** The `items` entry that records an announced sidecar (`snapshot_created` payload) in the gallery. */
export function mediaRefOf(payload: SnapshotCreatedPayload): { [key: string]: JsonValue } {
  const ref: { [key: string]: JsonValue } = {
    artifact_id: payload.artifact_id,
    mime: payload.mime,
    size: payload.size,
    created_at: payload.created_at,
  };
  if (payload.frame_range) ref.frame_range = { start: payload.frame_range.start, end: payload.frame_range.end };
  return ref;
}

/** `record[key]` for an own key only (a token value like "constructor" must not reach the prototype). */
function ownValue<T>(record: Record<string, T>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Human-readable byte size. */
export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}
