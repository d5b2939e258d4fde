import { z } from 'zod';
import { jsonValueSchema } from '../lib/jsonValueSchema.ts';

/** A check on the run's output: `path` (JSON pointer into it) compared with `value`. */
export const assertionSchema = z.strictObject({
  id: z.string().min(1).max(64),
  path: z
    .string()
    .max(512)
    .regex(/^(?:\/[^/]*)*$/, { error: 'must be a JSON pointer like /title' }),
  op: z.enum(['exists', 'equals', 'matches', 'lte', 'gte', 'contains']),
  value: jsonValueSchema.optional(),
});

/** A scorer (a plugin tool returning a number in 0..1) and its pass threshold. */
export const scorerSchema = z.strictObject({
  id: z.string().min(1).max(64),
  tool: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}\.[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'must be "plugin.tool"' }),
  threshold: z.number().min(0).max(1),
  weight: z.number().gt(0).max(100).optional(),
});

/** How a run is judged (contract §10): assertions, scorers, refusal thresholds. */
export const verifyContractSchema = z.strictObject({
  assertions: z.array(assertionSchema).max(64).default([]),
  scorers: z.array(scorerSchema).max(16).default([]),
  /** Refuse (verdict `refused`) when a score falls below these, instead of retrying. */
  refusal_thresholds: z.record(z.string(), z.number().min(0).max(1)).default({}),
});

export type VerifyContract = z.infer<typeof verifyContractSchema>;
