import { z } from 'zod';
import { entityIdSchema } from '../../scope/entityIdSchema.ts';

/**
 * `canvas.revert` payload: exactly one of `{revision}` (restore that committed revision) or
 * `{run_id}` (undo every change that run made, three-way: blocks others changed since are kept
 * and listed as `conflicts` in the `canvas_commit`).
 */
export const canvasRevertCommandPayloadSchema = z
  .strictObject({
    revision: z
      .int({ error: (iss) => (iss.input === undefined ? 'required' : 'must be an integer >= 0') })
      .min(0, { error: 'must be an integer >= 0' })
      .optional(),
    run_id: entityIdSchema.optional(),
  })
  .superRefine((payload, ctx) => {
    if (payload.revision === undefined && payload.run_id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['revision'], message: 'required' });
    } else if (payload.revision !== undefined && payload.run_id !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['run_id'], message: 'give revision or run_id, not both' });
    }
  });

export type CanvasRevertCommandPayload = z.infer<typeof canvasRevertCommandPayloadSchema>;
