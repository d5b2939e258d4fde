import { z } from 'zod';
import { jsonValueSchema } from '../lib/jsonValueSchema.ts';
import { scopeSchema } from '../scope/scopeSchema.ts';

/** `POST /v1/plugins/{name}/tools/{tool}:invoke` body (contract §9). */
export const pluginInvokeRequestSchema = z.strictObject({
  scope: scopeSchema,
  input: jsonValueSchema,
});

export type PluginInvokeRequest = z.infer<typeof pluginInvokeRequestSchema>;
