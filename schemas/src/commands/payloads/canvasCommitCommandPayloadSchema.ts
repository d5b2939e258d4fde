import { z } from 'zod';

/** `canvas.commit` payload: `{message}`, 1..500 characters. */
export const canvasCommitCommandPayloadSchema = z.strictObject({
  message: z.string().min(1, { error: 'must not be empty' }).max(500, { error: 'must be at most 500 characters' }),
});

export type CanvasCommitCommandPayload = z.infer<typeof canvasCommitCommandPayloadSchema>;
