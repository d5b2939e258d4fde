import { z } from 'zod';
import { jsonValueSchema } from '../../lib/jsonValueSchema.ts';
import { entityIdSchema } from '../../scope/entityIdSchema.ts';

/** `partial_result` (telemetry): an intermediate output of a plugin call (`ctx.partial`). */
export const partialResultPayloadSchema = z.looseObject({
  job_id: entityIdSchema.optional(),
  plugin: z.string().min(1).max(128).optional(),
  tool: z.string().min(1).max(128).optional(),
  payload: z.record(z.string(), jsonValueSchema),
});

export type PartialResultPayload = z.infer<typeof partialResultPayloadSchema>;
