import { z } from 'zod';
import { isoTimestampSchema } from '../lib/isoTimestampSchema.ts';
import { opaqueIdSchema } from '../lib/opaqueIdSchema.ts';

/** `POST /v1/sidecars` answer (contract §8): a presigned PUT bound to size, type and checksum. */
export const sidecarCreateResponseSchema = z.object({
  artifact_id: opaqueIdSchema,
  upload: z.object({
    url: z.url(),
    method: z.literal('PUT'),
    /** Headers the PUT must send as is (content type, length, checksum). */
    headers: z.record(z.string(), z.string()),
  }),
  expires_at: isoTimestampSchema,
});

export type SidecarCreateResponse = z.infer<typeof sidecarCreateResponseSchema>;
