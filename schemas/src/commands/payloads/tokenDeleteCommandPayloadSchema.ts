import { z } from 'zod';
import { tokenIdSchema } from '../../canvas/tokenIdSchema.ts';

/** `token.delete` payload: `{token_id}`; the token returns to its declared default. */
export const tokenDeleteCommandPayloadSchema = z.strictObject({
  token_id: tokenIdSchema,
});

export type TokenDeleteCommandPayload = z.infer<typeof tokenDeleteCommandPayloadSchema>;
