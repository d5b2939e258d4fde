import { z } from 'zod';
import { actorSchema } from '../identity/actorSchema.ts';
import { isoTimestampSchema } from '../lib/isoTimestampSchema.ts';
import { entityIdSchema } from '../scope/entityIdSchema.ts';
import { scopeSchema } from '../scope/scopeSchema.ts';
import { runVerdictEventSchema } from './runEventSchema.ts';
import { taskSpecSchema } from './taskSpecSchema.ts';

/** A run's state: `running` until its durable verdict, then the verdict (`pass` → `passed`, …). */
export const RUN_STATUSES = ['running', 'passed', 'failed', 'stopped', 'refused'] as const;

export const runStatusSchema = z.enum(RUN_STATUSES);

export type RunStatus = z.infer<typeof runStatusSchema>;

/** What a run used so far (or in total, once it ended). */
export const runUsageSchema = z.object({
  /** Model tokens, input plus output, summed over every model round. */
  tokens: z.int().min(0),
  /** Wall-clock time since the run started, ms. */
  time_ms: z.int().min(0),
  /** Tool calls started. */
  tool_calls: z.int().min(0),
  /** Model rounds (completions) started. */
  rounds: z.int().min(0),
  /** Extra rounds after a failed verify. */
  reflections: z.int().min(0),
  /** Most tool calls that were in flight at once. */
  max_parallel_tools: z.int().min(0),
});

export type RunUsage = z.infer<typeof runUsageSchema>;

/** `GET /v1/runs/{run_id}` answer (contract §10). */
export const runInfoSchema = z.object({
  run_id: entityIdSchema,
  status: runStatusSchema,
  scope: scopeSchema,
  /** Who created the run (the run itself acts as `{id: "run:<run_id>", kind: "agent"}`). */
  actor: actorSchema,
  task: taskSpecSchema,
  usage: runUsageSchema,
  /** The durable verdict event's payload, once the run ended. */
  verdict: runVerdictEventSchema.optional(),
  /** Canvas revisions the run's commits produced, in order. */
  revisions: z.array(z.int().min(0)),
  created_at: isoTimestampSchema,
  finished_at: isoTimestampSchema.optional(),
});

export type RunInfo = z.infer<typeof runInfoSchema>;
