import { z } from 'zod';
import { scopeSchema } from '../scope/scopeSchema.ts';
import { taskSpecSchema } from './taskSpecSchema.ts';

/** `POST /v1/runs` body (contract §10). */
export const runRequestSchema = z.strictObject({ scope: scopeSchema, task: taskSpecSchema });

export type RunRequest = z.infer<typeof runRequestSchema>;
