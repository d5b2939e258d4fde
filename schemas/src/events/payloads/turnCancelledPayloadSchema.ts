import { z } from 'zod';
import { opaqueIdSchema } from '../../lib/opaqueIdSchema.ts';

/** `turn_cancelled` (durable): nothing of the turn was applied. */
export const turnCancelledPayloadSchema = z.looseObject({
  turn_id: opaqueIdSchema,
  reason: z.string().max(500).optional(),
});

export type TurnCancelledPayload = z.infer<typeof turnCancelledPayloadSchema>;
