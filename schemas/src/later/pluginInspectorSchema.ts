import { z } from 'zod';
import { isoTimestampSchema } from '../lib/isoTimestampSchema.ts';
import { pluginHealthSchema } from './pluginHealthSchema.ts';

const percentiles = z.object({
  count: z.int().min(0),
  p50: z.number().min(0),
  p95: z.number().min(0),
  p99: z.number().min(0),
});

const recent = z
  .array(z.object({ at: isoTimestampSchema, tool: z.string().max(64).optional(), message: z.string().max(2000) }))
  .max(100);

/** `GET /v1/plugins/{name}` (inspector, contract §9): health, manifest metadata, timings, recent problems. */
export const pluginInspectorSchema = pluginHealthSchema.extend({
  device: z.enum(['cpu', 'gpu', 'any']).optional(),
  tools: z.record(
    z.string(),
    z.looseObject({
      description: z.string().max(1000),
      timeout_ms: z.int().min(1),
      memory_mb: z.int().min(1),
      idempotent: z.boolean(),
      timings_ms: percentiles.optional(),
    }),
  ),
  recent_warnings: recent,
  recent_errors: recent,
});

export type PluginInspector = z.infer<typeof pluginInspectorSchema>;
