import { z } from 'zod';
import { opaqueIdSchema } from '../../lib/opaqueIdSchema.ts';

/** `turn_final` (durable): the turn's full text; a preview, not authoritative state. */
export const turnFinalPayloadSchema = z.looseObject({
  turn_id: opaqueIdSchema,
  text: z.string().max(20_000),
});

export type TurnFinalPayload = z.infer<typeof turnFinalPayloadSchema>;
