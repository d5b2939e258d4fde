import { z } from 'zod';
import { tokenIdSchema } from '../../canvas/tokenIdSchema.ts';
import { jsonValueSchema } from '../../lib/jsonValueSchema.ts';

/** `token_patch` (durable): a token was set, or deleted (then `value` is the declared default). */
export const tokenPatchPayloadSchema = z.looseObject({
  token_id: tokenIdSchema,
  op: z.enum(['set', 'delete']),
  value: jsonValueSchema,
  revision: z.int().min(0),
});

export type TokenPatchPayload = z.infer<typeof tokenPatchPayloadSchema>;
