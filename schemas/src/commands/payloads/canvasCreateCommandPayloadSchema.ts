import { z } from 'zod';
import { slugSchema } from '../../scope/slugSchema.ts';

/** `canvas.create` payload: `{canvas_type, title?}`; the new canvas's id is `scope.canvas_id`. */
export const canvasCreateCommandPayloadSchema = z.strictObject({
  canvas_type: slugSchema,
  title: z.string().max(200).optional(),
});

export type CanvasCreateCommandPayload = z.infer<typeof canvasCreateCommandPayloadSchema>;
