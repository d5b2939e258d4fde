import { z } from 'zod';
import { slugSchema } from '../scope/slugSchema.ts';
import { commandTypeSchema } from '../commands/commandTypeSchema.ts';

/**
 * Optional: the tool runs a plugin tool as a one-stage job (`POST /v1/jobs`, pipeline
 * `<name>.<tool>`, input `{canvas_id}` of the canvas) instead of sending `command`.
 */
const canvasToolPluginFields = {
  /** The plugin's name (e.g. `whiteboard-thumbnail`). */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'must be a plugin name' }),
  /** The plugin's tool (e.g. `render`). */
  tool: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be a tool name' }),
};
export const canvasToolPluginSchema = z.strictObject(canvasToolPluginFields);

/** A tool of a canvas type's toolbar manifest: `{id, label, command, plugin?}`. */
const canvasToolFields = {
  id: slugSchema,
  label: z.string().min(1).max(100),
  /**
   * The command type the tool sends. For a `plugin` tool nothing is sent: it names the command
   * the actor's lens must grant for the tool to be offered.
   */
  command: commandTypeSchema,
  description: z.string().max(500).optional(),
  plugin: canvasToolPluginSchema.optional(),
};
export const canvasToolSchema = z.strictObject(canvasToolFields);

/**
 * A tool as the gateway sends it (in a manifest of `CANVAS_READY` or `GET …/canvas-types`): a field
 * this client does not know is dropped, not refused, so a newer gateway can add one.
 */
export const canvasToolViewSchema = z.object({
  ...canvasToolFields,
  plugin: z.object(canvasToolPluginFields).optional(),
});

export type CanvasTool = z.infer<typeof canvasToolSchema>;
export type CanvasToolPlugin = z.infer<typeof canvasToolPluginSchema>;
