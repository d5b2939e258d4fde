import { z } from 'zod';
import { opaqueIdSchema } from '../lib/opaqueIdSchema.ts';

/**
 * Outcome of an accepted command (contract §5): `committed`, or `duplicate` for a repeated
 * `command_id` (with the original cursor and revision). `cursor` is the SSE `id:` of the
 * command's last event. Extension (issue 6): `chat.send` and `turn.cancel` add the `turn_id`
 * (deterministic from the partition and command id, so a duplicate answers the same turn).
 */
export const commandOutcomeSchema = z.object({
  status: z.enum(['committed', 'duplicate']),
  cursor: z.string().min(1).max(64),
  revision: z.int().min(0),
  turn_id: opaqueIdSchema.optional(),
});

export type CommandOutcome = z.infer<typeof commandOutcomeSchema>;
