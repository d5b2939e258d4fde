import { z } from 'zod';
import { canvasScopeSchema } from '../scope/canvasScopeSchema.ts';

/** `POST /v1/presence/tickets` body (contract §7): the canvas to join. */
export const presenceTicketRequestSchema = z.strictObject({ scope: canvasScopeSchema });

export type PresenceTicketRequest = z.infer<typeof presenceTicketRequestSchema>;
