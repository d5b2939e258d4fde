import { z } from 'zod';
import { stateOpSchema } from '../../commands/stateOpSchema.ts';
import { opaqueIdSchema } from '../../lib/opaqueIdSchema.ts';

/**
 * `turn_final` (durable): the turn's full text; a preview, not authoritative state. Extension
 * (issue 6): `proposed_ops`, the canvas change the turn proposes (`state.ops` shape), applied
 * only by the turn's commit (`commit_succeeded` + `canvas_commit`), never by this event.
 * Streams drop the ops of roots the viewer may not read (and say `redacted: true`).
 */
export const turnFinalPayloadSchema = z.looseObject({
  turn_id: opaqueIdSchema,
  text: z.string().max(20_000),
  proposed_ops: z.array(stateOpSchema).max(500).optional(),
  redacted: z.literal(true).optional(),
});

export type TurnFinalPayload = z.infer<typeof turnFinalPayloadSchema>;
