import { z } from 'zod';
import { jsonValueSchema } from '../lib/jsonValueSchema.ts';
import { budgetSchema } from './budgetSchema.ts';
import { toolSpecSchema } from './toolSpecSchema.ts';
import { verifyContractSchema } from './verifyContractSchema.ts';

/** An agent run's task (contract §10). */
export const taskSpecSchema = z.strictObject({
  goal: z.string().min(1).max(20_000),
  inputs: z.record(z.string(), jsonValueSchema).default({}),
  tools: z.array(toolSpecSchema).max(64).default([]),
  budget: budgetSchema,
  verify: verifyContractSchema,
});

export type TaskSpec = z.infer<typeof taskSpecSchema>;
