import { z } from 'zod';
import { entityIdSchema } from '../../scope/entityIdSchema.ts';

/** `error` (durable): a job or plugin call failed; `kind` as in plugin invoke results (`threw`, `timeout`, ...). */
export const errorEventPayloadSchema = z.looseObject({
  job_id: entityIdSchema.optional(),
  plugin: z.string().min(1).max(128).optional(),
  kind: z.string().min(1).max(64),
  message: z.string().min(1).max(2000),
});

export type ErrorEventPayload = z.infer<typeof errorEventPayloadSchema>;
