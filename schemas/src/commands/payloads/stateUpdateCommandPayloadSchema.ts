import { z } from 'zod';
import { base64DecodedLength } from '../../lib/base64.ts';
import { base64Schema } from '../../lib/base64Schema.ts';

/** Largest decoded Yjs update a `state.update` may carry (contract §4: 64 KiB). */
export const MAX_STATE_UPDATE_BYTES = 64 * 1024;

/** `state.update` payload: `{update}`, a non-empty base64 Yjs update of at most 64 KiB decoded. */
export const stateUpdateCommandPayloadSchema = z.strictObject({
  update: base64Schema
    .min(1, { error: 'must not be empty' })
    .max(Math.ceil(MAX_STATE_UPDATE_BYTES / 3) * 4 + 4, {
      error: `must decode to at most ${MAX_STATE_UPDATE_BYTES} bytes (64 KiB); send larger state as a snapshot sidecar`,
    })
    .refine((text) => (base64DecodedLength(text) ?? 0) <= MAX_STATE_UPDATE_BYTES, {
      error: `must decode to at most ${MAX_STATE_UPDATE_BYTES} bytes (64 KiB); send larger state as a snapshot sidecar`,
      abort: true,
    }),
});

export type StateUpdateCommandPayload = z.infer<typeof stateUpdateCommandPayloadSchema>;
