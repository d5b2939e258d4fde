import { z } from 'zod';
import { frameRangeSchema } from '../lib/frameRangeSchema.ts';
import { MIME_RE, SHA256_RE } from '../lib/patterns.ts';
import { scopeSchema } from '../scope/scopeSchema.ts';

/** Largest sidecar object (5 GiB, the S3 single-PUT limit). */
export const MAX_SIDECAR_BYTES = 5 * 1024 ** 3;

/** `POST /v1/sidecars` body (contract §8). */
export const sidecarCreateRequestSchema = z.strictObject({
  scope: scopeSchema,
  mime: z.string().regex(MIME_RE, { error: 'must be a MIME type like image/png' }),
  size: z.int().min(1).max(MAX_SIDECAR_BYTES),
  sha256: z.string().regex(SHA256_RE, { error: 'must be 64 lower-case hex digits' }),
  frame_range: frameRangeSchema.optional(),
});

export type SidecarCreateRequest = z.infer<typeof sidecarCreateRequestSchema>;
