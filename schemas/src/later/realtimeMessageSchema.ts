import { z } from 'zod';
import { isoTimestampSchema } from '../lib/isoTimestampSchema.ts';

/**
 * What every `/v1/realtime` message also satisfies (contract §4): `{type, payload, timestamp}`.
 * Envelopes fit it; unknown fields pass through.
 */
export const realtimeMessageSchema = z.looseObject({
  type: z.string().min(1).max(64),
  payload: z.record(z.string(), z.unknown()),
  timestamp: isoTimestampSchema,
});

export type RealtimeMessage = z.infer<typeof realtimeMessageSchema>;
