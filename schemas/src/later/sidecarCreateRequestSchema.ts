import { z } from 'zod';
import { frameRangeSchema } from '../lib/frameRangeSchema.ts';
import { MIME_RE, SHA256_RE } from '../lib/patterns.ts';
import { scopeSchema } from '../scope/scopeSchema.ts';

/** Largest sidecar object (5 GiB, the S3 single-PUT limit). */
export const MAX_SIDECAR_BYTES = 5 * 1024 ** 3;

/** `POST /v1/sidecars` body (contract §8). */
export const sidecarCreateRequestSchema = z.strictObject({
  scope: scopeSchema,
  mime: z.string().regex(MIME_RE, { error: (iss) => mimeProblem(iss.input) }),
  size: z.int().min(1).max(MAX_SIDECAR_BYTES),
  sha256: z.string().regex(SHA256_RE, { error: 'must be 64 lower-case hex digits' }),
  frame_range: frameRangeSchema.optional(),
});

/** Why a `mime` is refused: parameters (`; charset=…`) and upper case get their own advice. */
export function mimeProblem(input: unknown): string {
  if (typeof input === 'string') {
    const bare = input.split(';')[0]!.trim();
    if (input.includes(';') && MIME_RE.test(bare.toLowerCase())) {
      return `must be a bare MIME type like image/png, without parameters: send "${bare.toLowerCase()}", not "${input.slice(0, 100)}"`;
    }
    if (input !== input.toLowerCase() && MIME_RE.test(input.toLowerCase())) {
      return `must be a lower-case MIME type like image/png: send "${input.toLowerCase()}"`;
    }
  }
  return 'must be a MIME type like image/png (type/subtype, lower case, no parameters)';
}

export type SidecarCreateRequest = z.infer<typeof sidecarCreateRequestSchema>;
