import { z } from 'zod';
import { jsonValueSchema } from '../lib/jsonValueSchema.ts';

/** Why a plugin call failed. */
export const PLUGIN_ERROR_KINDS = [
  'threw',
  'timeout',
  'oom',
  'crashed',
  'invalid_input',
  'invalid_output',
  'aborted',
] as const;

/**
 * The 200 answer of an invoke: `{ok: true, value, ms}` or `{ok: false, error: {kind, message}, ms}`.
 * `kind` is one of {@link PLUGIN_ERROR_KINDS} today; clients must accept others.
 */
export const pluginInvokeResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: jsonValueSchema, ms: z.number().min(0) }),
  z.object({
    ok: z.literal(false),
    error: z.object({ kind: z.string().min(1).max(64), message: z.string().max(2000) }),
    ms: z.number().min(0),
  }),
]);

export type PluginInvokeResult = z.infer<typeof pluginInvokeResultSchema>;
