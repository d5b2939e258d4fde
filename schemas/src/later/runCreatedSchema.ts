import { z } from 'zod';
import { entityIdSchema } from '../scope/entityIdSchema.ts';

/** `POST /v1/runs` answer (contract §10). */
export const runCreatedSchema = z.object({ run_id: entityIdSchema });

export type RunCreated = z.infer<typeof runCreatedSchema>;
