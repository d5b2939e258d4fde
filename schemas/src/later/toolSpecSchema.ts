import { z } from 'zod';

/** A reference to a plugin tool a run may call (contract §10). */
export const toolSpecSchema = z.strictObject({
  plugin: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'must be a plugin name' }),
  tool: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'must be a tool name' }),
  /** Name the model sees; default `<plugin>.<tool>`. */
  alias: z.string().min(1).max(64).optional(),
  /** Most calls in one run. */
  max_calls: z.int().min(1).max(10_000).optional(),
});

export type ToolSpec = z.infer<typeof toolSpecSchema>;
