import { z } from 'zod';
import { isoTimestampSchema } from '../lib/isoTimestampSchema.ts';

/** Longest ticket lifetime (contract §7). */
export const MAX_PRESENCE_TICKET_SECONDS = 60;

/**
 * A single-use presence ticket (contract §7), valid ≤ 60 s, bound to the actor and canvas.
 * `document` is `<tenant>/<project>/<canvas>`; `url` the WS endpoint (`/v1/presence`).
 */
export const presenceTicketSchema = z.object({
  ticket: z.string().min(16).max(2048),
  url: z
    .string()
    .regex(/^wss?:\/\/\S+$/, { error: 'must be a ws:// or wss:// URL' })
    .max(2048),
  document: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}\/[a-z0-9][a-z0-9_.-]{0,63}\/[A-Za-z0-9_.-]{1,64}$/, {
    error: 'must be <tenant>/<project>/<canvas>',
  }),
  expires_at: isoTimestampSchema,
});

export type PresenceTicket = z.infer<typeof presenceTicketSchema>;
