import { z } from 'zod';
import { entityIdSchema } from '../../scope/entityIdSchema.ts';

/** `warning` (telemetry): a plugin call's `ctx.warn`, or a job's degraded path (e.g. GPU → CPU). */
export const warningPayloadSchema = z.looseObject({
  job_id: entityIdSchema.optional(),
  plugin: z.string().min(1).max(128).optional(),
  message: z.string().min(1).max(2000),
});

export type WarningPayload = z.infer<typeof warningPayloadSchema>;
