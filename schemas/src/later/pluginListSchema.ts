import { z } from 'zod';
import { pluginHealthSchema } from './pluginHealthSchema.ts';

/** `GET /v1/plugins` (always 200): every plugin's health. */
export const pluginListSchema = z.object({ plugins: z.array(pluginHealthSchema) });

export type PluginList = z.infer<typeof pluginListSchema>;
