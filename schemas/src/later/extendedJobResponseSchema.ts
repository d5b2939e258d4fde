import { z } from 'zod';
import { jsonValueSchema } from '../lib/jsonValueSchema.ts';
import { entityIdSchema } from '../scope/entityIdSchema.ts';
import { deviceSchema } from './deviceSchema.ts';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

/**
 * `POST /v1/jobs` (202) and `GET /v1/jobs/{job_id}` (contract §9). `fallback` is true when the
 * job ran on another device than requested (e.g. GPU absent → CPU).
 */
export const extendedJobResponseSchema = z.looseObject({
  job_id: entityIdSchema,
  status: z.enum(JOB_STATUSES),
  device_requested: deviceSchema,
  device_used: deviceSchema.nullable(),
  fallback: z.boolean(),
  /** Frames produced so far. */
  frames: z.int().min(0),
  progress: z.number().min(0).max(100).optional(),
  /** Time spent per plugin, ms. */
  plugin_timings: z.record(z.string(), z.number().min(0)).optional(),
  warnings: z.array(z.string().max(2000)).max(100).optional(),
  /** The last stage's output, once succeeded. */
  result: jsonValueSchema.optional(),
  error: z.object({ kind: z.string().min(1).max(64), message: z.string().max(2000) }).optional(),
});

export type ExtendedJobResponse = z.infer<typeof extendedJobResponseSchema>;
