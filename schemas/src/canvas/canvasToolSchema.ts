import { z } from 'zod';
import { slugSchema } from '../scope/slugSchema.ts';
import { commandTypeSchema } from '../commands/commandTypeSchema.ts';

/** A tool of a canvas type's toolbar manifest: `{id, label, command}`. */
export const canvasToolSchema = z.strictObject({
  id: slugSchema,
  label: z.string().min(1).max(100),
  /** The command type the tool sends. */
  command: commandTypeSchema,
  description: z.string().max(500).optional(),
});

export type CanvasTool = z.infer<typeof canvasToolSchema>;
