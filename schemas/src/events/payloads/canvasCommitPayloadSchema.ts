import { z } from 'zod';
import { opaqueIdSchema } from '../../lib/opaqueIdSchema.ts';
import { entityIdSchema } from '../../scope/entityIdSchema.ts';

/** A block a run revert left alone because someone else changed it after the run did. */
export const revertConflictSchema = z.looseObject({
  root: z.string().min(1).max(64),
  /** The map key of the block; absent when the block is the whole root (array, text, xml roots). */
  key: z.string().max(256).optional(),
  /** Why it was kept, e.g. `changed_since_run`. */
  reason: z.string().max(200),
});

export type RevertConflict = z.infer<typeof revertConflictSchema>;

/** `canvas_commit` (durable): a revision boundary (`commit`) or a restore (`revert`, with `reverted_to`). */
export const canvasCommitPayloadSchema = z.looseObject({
  revision: z.int().min(0),
  commit_id: opaqueIdSchema,
  message: z.string().max(500),
  kind: z.enum(['commit', 'revert']),
  reverted_to: z.int().min(0).optional(),
  /** `canvas.revert {run_id}`: the run whose changes this revert undid. */
  reverted_run: entityIdSchema.optional(),
  /** `canvas.revert {run_id}`: blocks restored to what they were before the run. */
  restored: z
    .array(z.looseObject({ root: z.string(), key: z.string().optional() }))
    .max(10_000)
    .optional(),
  /** `canvas.revert {run_id}`: blocks others changed after the run, kept as they are. */
  conflicts: z.array(revertConflictSchema).max(10_000).optional(),
});

export type CanvasCommitPayload = z.infer<typeof canvasCommitPayloadSchema>;
