import { z } from 'zod';
import { opaqueIdSchema } from '../../lib/opaqueIdSchema.ts';

/** `commit_succeeded` (durable): a turn's changes were applied at `revision`. */
export const commitSucceededPayloadSchema = z.looseObject({
  turn_id: opaqueIdSchema,
  revision: z.int().min(0),
  command_ids: z.array(opaqueIdSchema).max(500).optional(),
});

export type CommitSucceededPayload = z.infer<typeof commitSucceededPayloadSchema>;
