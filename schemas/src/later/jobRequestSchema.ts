import { z } from 'zod';
import { jsonValueSchema } from '../lib/jsonValueSchema.ts';
import { scopeSchema } from '../scope/scopeSchema.ts';
import { deviceSchema } from './deviceSchema.ts';

/** A pipeline stage: `plugin` (its default tool) or `plugin.tool`. */
export const pipelineStageSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}(?:\.[A-Za-z0-9_-]{1,64})?$/, { error: 'must be "plugin" or "plugin.tool"' });

/** `POST /v1/jobs` body (contract §9). */
export const jobRequestSchema = z.strictObject({
  scope: scopeSchema,
  pipeline: z.array(pipelineStageSchema).min(1).max(32),
  device_requested: deviceSchema,
  fps: z.number().gt(0).max(240).optional(),
  input: jsonValueSchema,
});

export type JobRequest = z.infer<typeof jobRequestSchema>;
