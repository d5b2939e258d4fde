import { z } from 'zod';
import { base64DecodedLength } from '../../lib/base64.ts';
import { base64Schema } from '../../lib/base64Schema.ts';

/** Largest decoded Yjs update a `state.update` may carry (contract §4: 64 KiB). */
export const MAX_STATE_UPDATE_BYTES = 64 * 1024;

/**
 * The refusal of an update over the schema's bound. The event limit is the tighter one: the
 * `state_patch` event carries the update in base64 (4/3 larger) plus its envelope, and must fit
 * 64 KiB too (contract §4), which leaves about 48 000 decoded bytes.
 */
const TOO_LARGE =
  `must decode to at most ${MAX_STATE_UPDATE_BYTES} bytes (64 KiB), and the state_patch event carrying it ` +
  '(the update in base64, 4/3 larger, plus its envelope) must fit 64 KiB too, which leaves about 48 000 bytes; ' +
  'send larger state as a snapshot sidecar';

/** `state.update` payload: `{update}`, a non-empty base64 Yjs update of at most 64 KiB decoded. */
export const stateUpdateCommandPayloadSchema = z.strictObject({
  update: base64Schema
    .min(1, { error: 'must not be empty' })
    .max(Math.ceil(MAX_STATE_UPDATE_BYTES / 3) * 4 + 4, {
      error: TOO_LARGE,
    })
    .refine((text) => (base64DecodedLength(text) ?? 0) <= MAX_STATE_UPDATE_BYTES, {
      error: TOO_LARGE,
      abort: true,
    }),
});

export type StateUpdateCommandPayload = z.infer<typeof stateUpdateCommandPayloadSchema>;
