import { z } from 'zod';
import { STREAM_CLOSE_REASON_LIST } from '../streamCloseReasons.ts';

/** `stream_closed` (telemetry, last frame before the gateway ends a stream). */
export const streamClosedPayloadSchema = z.looseObject({
  reason: z.enum(STREAM_CLOSE_REASON_LIST),
  /** Wait at least this long before reconnecting. */
  retry_after_ms: z.int().min(0).optional(),
});

export type StreamClosedPayload = z.infer<typeof streamClosedPayloadSchema>;
