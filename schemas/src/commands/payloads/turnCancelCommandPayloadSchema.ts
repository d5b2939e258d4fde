import { z } from 'zod';
import { opaqueIdSchema } from '../../lib/opaqueIdSchema.ts';

/** `turn.cancel` payload: `{turn_id}`. */
export const turnCancelCommandPayloadSchema = z.strictObject({
  turn_id: opaqueIdSchema,
});

export type TurnCancelCommandPayload = z.infer<typeof turnCancelCommandPayloadSchema>;
