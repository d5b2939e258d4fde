import { z } from 'zod';

/** A run's budget (contract §10); a run that exceeds it is stopped with a durable `verdict`. */
export const budgetSchema = z.strictObject({
  /** Model tokens, input plus output. */
  tokens: z.int().min(1).max(100_000_000),
  /** Wall-clock time, ms. */
  time_ms: z.int().min(1).max(86_400_000),
  /** Parallel branches. */
  width: z.int().min(1).max(64),
  /** Self-review rounds. */
  reflection: z.int().min(0).max(16),
});

export type Budget = z.infer<typeof budgetSchema>;
