import { z } from 'zod';
import { downstreamEventSchema } from './downstreamEventSchema.ts';

/** One event of a canvas's turn history: the event as a stream delivers it, and its cursor (SSE `id:`). */
export const turnHistoryEntrySchema = z.object({
  cursor: z.string().min(1).max(64),
  event: downstreamEventSchema,
});

export type TurnHistoryEntry = z.infer<typeof turnHistoryEntrySchema>;

/**
 * `GET /v1/canvases/{canvas_id}/turns`: the durable turn events (`turn_accepted`, `turn_final`,
 * `turn_cancelled`, `commit_succeeded`, `commit_failed`) of the canvas's most recent agent turns,
 * in log order, filtered by the caller's lens as on its streams. `complete`: false when older
 * history exists that was not searched.
 */
export const turnHistorySchema = z.object({
  events: z.array(turnHistoryEntrySchema),
  complete: z.boolean(),
});

export type TurnHistory = z.infer<typeof turnHistorySchema>;
