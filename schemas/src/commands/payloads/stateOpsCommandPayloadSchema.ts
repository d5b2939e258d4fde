import { z } from 'zod';
import { stateOpSchema } from '../stateOpSchema.ts';

/** Most ops in one `state.ops` command. */
export const MAX_STATE_OPS = 500;

/** `state.ops` payload: `{ops}`, 1..500 ops applied as one Yjs transaction. */
export const stateOpsCommandPayloadSchema = z.strictObject({
  ops: z
    .array(stateOpSchema)
    .min(1, { error: 'must hold at least one op' })
    .max(MAX_STATE_OPS, { error: `must hold at most ${MAX_STATE_OPS} ops; split them over several commands` }),
});

export type StateOpsCommandPayload = z.infer<typeof stateOpsCommandPayloadSchema>;
