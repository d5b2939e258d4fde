import {
  actorSchema,
  frameRangeSchema,
  scopeSchema,
  sidecarCreateRequestSchema,
  snapshotCreatedPayloadSchema,
} from '@easel/schemas';
import { z } from 'zod';
import { derivedSourcesSchema } from '../core/DerivedSources.ts';

/** Spine record kind of sidecar records (`putRecord('sidecar', '<tenant>/<project>/<artifact_id>', json)`). */
export const SIDECAR_RECORD_KIND = 'sidecar';

/**
 * Lifecycle of a sidecar: `pending` until `complete` verified the object; then `completing` (the
 * verified payload fixed in the record, its `snapshot_created` being appended under
 * {@link sidecarCompleteCommandId}: whoever finds it so, after a crash too, finishes it without a
 * second event); `complete` once the event is durable (its cursor in the record).
 */
export const SIDECAR_STATES = ['pending', 'completing', 'complete'] as const;
export type SidecarState = (typeof SIDECAR_STATES)[number];

/**
 * What the gateway keeps about one sidecar, as a spine record so that any node can answer
 * `complete` and resolve. Never holds the bytes.
 */
export const sidecarRecordSchema = z.object({
  v: z.literal(1),
  artifact_id: z.string().min(1),
  scope: scopeSchema,
  /** The uploader: only it (or an admin) may complete. */
  owner: actorSchema,
  bucket: z.string().min(1),
  key: z.string().min(1),
  mime: sidecarCreateRequestSchema.shape.mime,
  size: sidecarCreateRequestSchema.shape.size,
  sha256: sidecarCreateRequestSchema.shape.sha256,
  frame_range: frameRangeSchema.optional(),
  state: z.enum(SIDECAR_STATES),
  created_at: z.string(),
  /** When the presigned PUT expires. */
  upload_expires_at: z.string(),
  /**
   * From `completing` on: the payload `snapshot_created` carries (fixed before it is appended);
   * once `complete`, with the event's cursor (a repeated complete answers them again).
   */
  snapshot: snapshotCreatedPayloadSchema.optional(),
  cursor: z.string().optional(),
  /**
   * What a sidecar the gateway computed (a job's image output) was computed from: resolving it,
   * and seeing its `snapshot_created`, needs a lens that reads all of it (`mayReadSources`).
   * Absent for uploads.
   */
  derived_from: derivedSourcesSchema.optional(),
});

export type SidecarRecord = z.infer<typeof sidecarRecordSchema>;

/**
 * The internal idempotency key a sidecar's `snapshot_created` is appended under: one event per
 * artifact, whichever node appends it. `/` never occurs in a client's `command_id`.
 */
export function sidecarCompleteCommandId(artifactId: string): string {
  return `sidecar/complete/${artifactId}`;
}

/** Record key: `<tenant>/<project>/<artifact_id>` (lookups are always within the caller's project). */
export function sidecarRecordKey(tenantId: string, projectId: string, artifactId: string): string {
  return `${tenantId}/${projectId}/${artifactId}`;
}

/** Parses a stored record; null when it is not one (never throws). */
export function parseSidecarRecord(text: string | null): SidecarRecord | null {
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = sidecarRecordSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
