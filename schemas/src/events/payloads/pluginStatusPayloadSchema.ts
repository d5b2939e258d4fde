import { z } from 'zod';
import { pluginStateSchema } from '../../later/pluginStates.ts';

/** `plugin_status` (telemetry): a plugin changed state. */
export const pluginStatusPayloadSchema = z.looseObject({
  name: z.string().min(1).max(128),
  state: pluginStateSchema,
  reason: z.string().max(1000).optional(),
});

export type PluginStatusPayload = z.infer<typeof pluginStatusPayloadSchema>;
