// Presence over WebSocket (contract §7): tickets, the Hocuspocus mount, the socket guard.
export { createPresence, type Presence, type PresenceOptions } from './createPresence.ts';
export { PresenceServer, type PresenceServerOptions } from './PresenceServer.ts';
export {
  DEFAULT_TICKET_TTL_MS,
  MAX_TICKET_TTL_MS,
  PresenceTickets,
  type PresenceTicketsOptions,
  type TicketRequestContext,
} from './PresenceTickets.ts';
export { PRESENCE_PATH, presenceDocument } from './presenceDocument.ts';
export type { GuardLimits } from './SocketGuard.ts';
