import { z } from 'zod';
import { entityIdSchema } from './entityIdSchema.ts';
import { slugSchema } from './slugSchema.ts';

/** The base scope fields every connection and command carries (contract §1). */
export const scopeShape = {
  tenant_id: slugSchema,
  project_id: slugSchema,
  app_id: slugSchema,
  surface_id: slugSchema,
  /** The app's operating mode, e.g. `edit`, `view`, `present`, `agent`. */
  mode: slugSchema,
  canvas_id: entityIdSchema.optional(),
  run_id: entityIdSchema.optional(),
  job_id: entityIdSchema.optional(),
} as const;

/**
 * Scope of a connection, command or event (contract §1). Unknown keys are stripped, so a
 * query string parsed into an object can be passed as is.
 */
export const scopeSchema = z.object(scopeShape);

export type Scope = z.infer<typeof scopeSchema>;
