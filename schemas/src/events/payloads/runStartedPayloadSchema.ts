import { z } from 'zod';
import { taskSpecSchema } from '../../later/taskSpecSchema.ts';
import { entityIdSchema } from '../../scope/entityIdSchema.ts';

/**
 * `run_started` (durable, runs group): opens a run (contract §10). Its envelope's `scope.run_id`
 * is the run; every later event of the run (`run_event`, the run's `state_patch`/`canvas_commit`)
 * carries the same `scope.run_id`. `task` is the TaskSpec as accepted (defaults filled in).
 */
export const runStartedPayloadSchema = z.looseObject({
  run_id: entityIdSchema,
  task: taskSpecSchema,
});

export type RunStartedPayload = z.infer<typeof runStartedPayloadSchema>;
