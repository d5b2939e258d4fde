import { z } from 'zod';
import { errorInfoSchema } from '../errors/errorBodySchema.ts';
import { commandOutcomeSchema } from './commandOutcomeSchema.ts';

/** A batch item that was not applied: `{status: "rejected", error: {code, message, details?}}`. */
export const rejectedOutcomeSchema = z.object({
  status: z.literal('rejected'),
  error: errorInfoSchema,
});

export type RejectedOutcome = z.infer<typeof rejectedOutcomeSchema>;

/** One item of a batch response: the command's outcome or its rejection. */
export const batchItemOutcomeSchema = z.union([commandOutcomeSchema, rejectedOutcomeSchema]);

export type BatchItemOutcome = z.infer<typeof batchItemOutcomeSchema>;
