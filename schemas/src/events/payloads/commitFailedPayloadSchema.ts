import { z } from 'zod';
import { errorInfoSchema } from '../../errors/errorBodySchema.ts';
import { opaqueIdSchema } from '../../lib/opaqueIdSchema.ts';

/** `commit_failed` (durable): a turn's changes were refused; nothing was applied. */
export const commitFailedPayloadSchema = z.looseObject({
  turn_id: opaqueIdSchema,
  error: errorInfoSchema,
});

export type CommitFailedPayload = z.infer<typeof commitFailedPayloadSchema>;
