import { z } from 'zod';
import { frameRangeSchema } from '../../lib/frameRangeSchema.ts';
import { isoTimestampSchema } from '../../lib/isoTimestampSchema.ts';
import { opaqueIdSchema } from '../../lib/opaqueIdSchema.ts';
import { MIME_RE, SHA256_RE } from '../../lib/patterns.ts';

/** `snapshot_created` (durable, contract §8): a verified sidecar object; refs only, no bytes. */
export const snapshotCreatedPayloadSchema = z.looseObject({
  artifact_id: opaqueIdSchema,
  uri: z
    .string()
    .regex(/^s3:\/\/[^/\s]+\/\S+$/, { error: 'must be an s3://bucket/key URI' })
    .max(2048),
  mime: z.string().regex(MIME_RE, { error: 'must be a MIME type like image/png' }),
  size: z.int().min(0),
  sha256: z.string().regex(SHA256_RE, { error: 'must be 64 lower-case hex digits' }),
  frame_range: frameRangeSchema.optional(),
  created_at: isoTimestampSchema,
});

export type SnapshotCreatedPayload = z.infer<typeof snapshotCreatedPayloadSchema>;
