import { z } from 'zod';
import { actorSchema } from '../identity/actorSchema.ts';
import { isoTimestampSchema } from '../lib/isoTimestampSchema.ts';
import { opaqueIdSchema } from '../lib/opaqueIdSchema.ts';

/** One entry of a canvas's commit history: a `canvas.commit` or `canvas.revert`. */
export const revisionEntrySchema = z.object({
  revision: z.int().min(0),
  commit_id: opaqueIdSchema,
  message: z.string().max(500),
  kind: z.enum(['commit', 'revert']),
  actor: actorSchema,
  timestamp: isoTimestampSchema,
  /** The SSE cursor of the entry's `canvas_commit` event. */
  cursor: z.string().min(1).max(64),
});

export type RevisionEntry = z.infer<typeof revisionEntrySchema>;

/** `GET /v1/canvases/{canvas_id}/revisions`: the commit history, oldest first. */
export const revisionListSchema = z.object({ revisions: z.array(revisionEntrySchema) });

export type RevisionList = z.infer<typeof revisionListSchema>;
