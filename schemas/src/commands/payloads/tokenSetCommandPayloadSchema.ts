import { z } from 'zod';
import { tokenIdSchema } from '../../canvas/tokenIdSchema.ts';
import { jsonValueSchema } from '../../lib/jsonValueSchema.ts';

/** `token.set` payload: `{token_id, value}`; the gateway checks `value` against the declaration. */
export const tokenSetCommandPayloadSchema = z.strictObject({
  token_id: tokenIdSchema,
  value: jsonValueSchema,
});

export type TokenSetCommandPayload = z.infer<typeof tokenSetCommandPayloadSchema>;
