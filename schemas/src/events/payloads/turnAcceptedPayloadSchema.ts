import { z } from 'zod';
import { opaqueIdSchema } from '../../lib/opaqueIdSchema.ts';

/** `turn_accepted` (durable): a `chat.send` started a turn. */
export const turnAcceptedPayloadSchema = z.looseObject({
  turn_id: opaqueIdSchema,
  text: z.string().max(20_000).optional(),
});

export type TurnAcceptedPayload = z.infer<typeof turnAcceptedPayloadSchema>;
