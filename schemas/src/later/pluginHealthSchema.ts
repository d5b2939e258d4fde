import { z } from 'zod';
import { pluginStateSchema } from './pluginStates.ts';

/** `GET /v1/plugins/{name}/health` and each item of `GET /v1/plugins` (contract §9). */
export const pluginHealthSchema = z.looseObject({
  name: z.string().min(1).max(64),
  state: pluginStateSchema,
  description: z.string().max(1000).optional(),
  /** Why FAILED or UNAVAILABLE, and how to fix it. */
  reason: z.string().max(2000).optional(),
  version: z.string().max(64).optional(),
  uptime_seconds: z.number().min(0).optional(),
  success_count: z.int().min(0),
  error_count: z.int().min(0),
});

export type PluginHealth = z.infer<typeof pluginHealthSchema>;
