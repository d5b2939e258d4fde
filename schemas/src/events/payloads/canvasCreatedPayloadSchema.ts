import { z } from 'zod';
import { slugSchema } from '../../scope/slugSchema.ts';

/** `canvas_created` (durable): emitted by `canvas.create`; a new canvas is at revision 0. */
export const canvasCreatedPayloadSchema = z.looseObject({
  canvas_type: slugSchema,
  title: z.string().max(200),
  revision: z.literal(0),
});

export type CanvasCreatedPayload = z.infer<typeof canvasCreatedPayloadSchema>;
