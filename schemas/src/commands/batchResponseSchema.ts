import { z } from 'zod';
import { batchItemOutcomeSchema } from './batchItemOutcomeSchema.ts';

/** `POST /v1/commands:batch` answer: `{outcomes}`, one per command, in order. */
export const batchResponseSchema = z.object({
  outcomes: z.array(batchItemOutcomeSchema),
});

export type BatchResponse = z.infer<typeof batchResponseSchema>;
