import { z } from 'zod';
import { entityIdSchema } from '../../scope/entityIdSchema.ts';

/** `progress` (telemetry): a job's or plugin call's completion, 0..100. */
export const progressPayloadSchema = z.looseObject({
  job_id: entityIdSchema.optional(),
  plugin: z.string().min(1).max(128).optional(),
  tool: z.string().min(1).max(128).optional(),
  percent: z.number().min(0).max(100),
  message: z.string().max(500).optional(),
});

export type ProgressPayload = z.infer<typeof progressPayloadSchema>;
