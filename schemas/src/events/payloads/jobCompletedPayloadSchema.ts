import type { z } from 'zod';
import { extendedJobResponseSchema } from '../../later/extendedJobResponseSchema.ts';

/** `job_completed` (durable): the job's final ExtendedJobResponse. */
export const jobCompletedPayloadSchema = extendedJobResponseSchema;

export type JobCompletedPayload = z.infer<typeof jobCompletedPayloadSchema>;
