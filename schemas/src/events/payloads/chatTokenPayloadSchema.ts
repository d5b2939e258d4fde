import { z } from 'zod';
import { opaqueIdSchema } from '../../lib/opaqueIdSchema.ts';

/** `chat_token` (telemetry): a piece of a turn's streamed text; `index` orders pieces. */
export const chatTokenPayloadSchema = z.looseObject({
  turn_id: opaqueIdSchema,
  index: z.int().min(0),
  text: z.string().max(4000),
});

export type ChatTokenPayload = z.infer<typeof chatTokenPayloadSchema>;
