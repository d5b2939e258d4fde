import { z } from 'zod';
import { opaqueIdSchema } from '../../lib/opaqueIdSchema.ts';

export const MODEL_STATUSES = ['selected', 'loading', 'ready', 'switching'] as const;

/** `model_status` (telemetry): the model serving a turn. */
export const modelStatusPayloadSchema = z.looseObject({
  turn_id: opaqueIdSchema.optional(),
  model: z.string().min(1).max(200),
  status: z.enum(MODEL_STATUSES),
  detail: z.string().max(500).optional(),
});

export type ModelStatusPayload = z.infer<typeof modelStatusPayloadSchema>;
