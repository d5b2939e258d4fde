import { z } from 'zod';
import { opaqueIdSchema } from '../../lib/opaqueIdSchema.ts';

/** `canvas_commit` (durable): a revision boundary (`commit`) or a restore (`revert`, with `reverted_to`). */
export const canvasCommitPayloadSchema = z.looseObject({
  revision: z.int().min(0),
  commit_id: opaqueIdSchema,
  message: z.string().max(500),
  kind: z.enum(['commit', 'revert']),
  reverted_to: z.int().min(0).optional(),
});

export type CanvasCommitPayload = z.infer<typeof canvasCommitPayloadSchema>;
