import { z } from 'zod';

/**
 * Outcome of an accepted command (contract §5): `committed`, or `duplicate` for a repeated
 * `command_id` (with the original cursor and revision). `cursor` is the SSE `id:` of the
 * command's last event.
 */
export const commandOutcomeSchema = z.object({
  status: z.enum(['committed', 'duplicate']),
  cursor: z.string().min(1).max(64),
  revision: z.int().min(0),
});

export type CommandOutcome = z.infer<typeof commandOutcomeSchema>;
