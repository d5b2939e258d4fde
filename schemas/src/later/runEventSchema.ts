import { z } from 'zod';
import { jsonValueSchema } from '../lib/jsonValueSchema.ts';
import { opaqueIdSchema } from '../lib/opaqueIdSchema.ts';
import { entityIdSchema } from '../scope/entityIdSchema.ts';

/** Run event kinds (contract §10); `tool` and `verdict` are durable, `token` and `thought` telemetry. */
export const RUN_EVENT_KINDS = {
  token: { durable: false },
  thought: { durable: false },
  tool: { durable: true },
  verdict: { durable: true },
} as const;

export type RunEventKind = keyof typeof RUN_EVENT_KINDS;

const base = { run_id: entityIdSchema, step: z.int().min(0).optional() };

/** A streamed model token. */
export const runTokenEventSchema = z.looseObject({ ...base, kind: z.literal('token'), text: z.string().max(4000) });

/** A (sanitized) reasoning note. */
export const runThoughtEventSchema = z.looseObject({
  ...base,
  kind: z.literal('thought'),
  text: z.string().max(16_000),
});

/** A tool call (`phase: "call"`) or its result (`phase: "result"`). */
export const runToolEventSchema = z.looseObject({
  ...base,
  kind: z.literal('tool'),
  call_id: opaqueIdSchema,
  tool: z.string().min(1).max(200),
  phase: z.enum(['call', 'result']),
  input: jsonValueSchema.optional(),
  output: jsonValueSchema.optional(),
  ok: z.boolean().optional(),
  error: z.string().max(2000).optional(),
  ms: z.number().min(0).optional(),
});

/** The run's end: passed its VerifyContract, failed it, stopped (budget/cancel), or refused. */
export const runVerdictEventSchema = z.looseObject({
  ...base,
  kind: z.literal('verdict'),
  verdict: z.enum(['pass', 'fail', 'stopped', 'refused']),
  reason: z.string().max(2000).optional(),
  /** Which budget was exceeded, when `stopped` for that reason. */
  budget_exceeded: z.enum(['tokens', 'time_ms', 'width', 'reflection']).optional(),
  scores: z.record(z.string(), z.number()).optional(),
  usage: z.object({ tokens: z.int().min(0).optional(), time_ms: z.int().min(0).optional() }).optional(),
});

/** One run event (contract §10), discriminated on `kind`. */
export const runEventSchema = z.discriminatedUnion('kind', [
  runTokenEventSchema,
  runThoughtEventSchema,
  runToolEventSchema,
  runVerdictEventSchema,
]);

export type RunEvent = z.infer<typeof runEventSchema>;
