import { z } from 'zod';
import { base64Schema } from '../../lib/base64Schema.ts';
import { entityIdSchema } from '../../scope/entityIdSchema.ts';

/**
 * `CANVAS_READY_UPDATE` (per connection, no `id:` line; paint first, WIRE-NOTES): the Yjs `update`
 * (full state, base64) of the snapshot the CANVAS_READY right before it announced with
 * `snapshot.update_follows: true`, for the same `canvas_id` and `revision`. Sent only on streams
 * opened with `?paint=state`, and always as the frame right after that CANVAS_READY.
 */
export const canvasReadyUpdatePayloadSchema = z.looseObject({
  canvas_id: entityIdSchema,
  revision: z.int().min(0),
  update: base64Schema,
});

export type CanvasReadyUpdatePayload = z.infer<typeof canvasReadyUpdatePayloadSchema>;
