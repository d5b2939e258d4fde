import { z } from 'zod';

/** `canvas.revert` payload: `{revision}` to restore. */
export const canvasRevertCommandPayloadSchema = z.strictObject({
  revision: z.int({ error: (iss) => (iss.input === undefined ? 'required' : 'must be an integer >= 0') }).min(0, {
    error: 'must be an integer >= 0',
  }),
});

export type CanvasRevertCommandPayload = z.infer<typeof canvasRevertCommandPayloadSchema>;
