import { z } from 'zod';
import { isoTimestampSchema } from '../lib/isoTimestampSchema.ts';

/** `GET /v1/sidecars/{artifact_id}` answer (contract §8): a presigned GET, only when the lens allows `resolve`. */
export const sidecarResolveResponseSchema = z.object({
  url: z.url(),
  expires_at: isoTimestampSchema,
});

export type SidecarResolveResponse = z.infer<typeof sidecarResolveResponseSchema>;
