import { z } from 'zod';
import { isoTimestampSchema } from '../lib/isoTimestampSchema.ts';

/** `POST /v1/dev/tokens` answer: the signed JWT and its expiry. */
export const devTokenResponseSchema = z.object({
  token: z.string().min(1),
  expires_at: isoTimestampSchema,
});

export type DevTokenResponse = z.infer<typeof devTokenResponseSchema>;
