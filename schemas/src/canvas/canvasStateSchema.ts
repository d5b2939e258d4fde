import { z } from 'zod';
import { jsonValueSchema } from '../lib/jsonValueSchema.ts';
import { entityIdSchema } from '../scope/entityIdSchema.ts';
import { slugSchema } from '../scope/slugSchema.ts';

/**
 * `GET /v1/canvases/{canvas_id}` (contract §5): the lens-filtered materialized state.
 * `cursor` is the position the state reflects (null before any event).
 */
export const canvasStateSchema = z.object({
  canvas_id: entityIdSchema,
  canvas_type: slugSchema,
  revision: z.int().min(0),
  cursor: z.string().min(1).max(64).nullable(),
  /** Readable tokens: id → value. */
  tokens: z.record(z.string(), jsonValueSchema),
  /** Readable roots: name → JSON of that Yjs root. */
  state: z.record(z.string(), jsonValueSchema),
});

export type CanvasState = z.infer<typeof canvasStateSchema>;
