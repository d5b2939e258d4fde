import { z } from 'zod';
import { SEMVER_PATTERN, SEMVER_RE } from '../lib/patterns.ts';

/** A plugin or tool name: `^[a-z0-9][a-z0-9_-]{0,63}$` (no dots: `plugin.tool` names a stage). */
export const pluginNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'must match ^[a-z0-9][a-z0-9_-]{0,63}$' });

/** A JSON Schema document (kept opaque here; the plugin host compiles it). */
export const jsonSchemaDocumentSchema = z.union([z.boolean(), z.record(z.string(), z.unknown())]);

/** One tool of a plugin (contract §9). */
export const pluginToolSchema = z.strictObject({
  description: z.string().min(1).max(1000),
  /** Wall-clock limit of one call, ms. */
  timeout_ms: z.int().min(1).max(3_600_000),
  /** Memory limit of the sandbox, MiB. */
  memory_mb: z.int().min(1).max(65_536),
  /** Whether a retried call with the same input is safe. */
  idempotent: z.boolean(),
  input: jsonSchemaDocumentSchema,
  output: jsonSchemaDocumentSchema,
});

export type PluginTool = z.infer<typeof pluginToolSchema>;

/** `plugin.json` (contract §9). */
export const pluginManifestSchema = z
  .strictObject({
    name: pluginNameSchema,
    version: z.string().regex(SEMVER_RE, { error: `must be a version like 1.0.0 (${SEMVER_PATTERN})` }),
    description: z.string().min(1).max(1000),
    /** Entry module, relative to the plugin folder. */
    entry: z
      .string()
      .min(1)
      .max(256)
      .regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[^\0]+$/, { error: 'must be a relative path inside the plugin folder' }),
    device: z.enum(['cpu', 'gpu', 'any']),
    /** npm packages the entry imports; missing ones make the plugin UNAVAILABLE with a reason. */
    requires: z.array(z.string().min(1).max(214)).max(64).optional(),
    tools: z.record(pluginNameSchema, pluginToolSchema),
  })
  .refine((m) => Object.keys(m.tools).length >= 1 && Object.keys(m.tools).length <= 64, {
    error: 'must declare 1 to 64 tools',
    path: ['tools'],
  });

export type PluginManifest = z.infer<typeof pluginManifestSchema>;
