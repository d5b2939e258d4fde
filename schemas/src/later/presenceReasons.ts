/**
 * Why the gateway refuses a presence ticket in Hocuspocus's authentication step (contract §7):
 * the `reason` of the provider's `authenticationFailed` event. `ticket_*`, `wrong_document`,
 * `token_expired` and `unavailable` are cured by a fresh ticket (with a fresh token); `forbidden` is not.
 */
export const PRESENCE_REFUSALS = {
  /** No such ticket (never issued, or long gone). */
  ticket_unknown: 'ticket_unknown',
  /** The ticket was used already: tickets are single use. */
  ticket_used: 'ticket_used',
  /** The ticket's lifetime (≤ 60 s) is over. */
  ticket_expired: 'ticket_expired',
  /** The ticket was issued for another document (`<tenant>/<project>/<canvas>`). */
  wrong_document: 'wrong_document',
  /** The bearer token the ticket was issued under has expired. */
  token_expired: 'token_expired',
  /** The actor's lens no longer lets it see the canvas. */
  forbidden: 'forbidden',
  /** Storage could not be asked (tickets, lens); retry with a fresh ticket. */
  unavailable: 'unavailable',
} as const;

export type PresenceRefusal = keyof typeof PRESENCE_REFUSALS;

/**
 * Why the gateway closes a presence WebSocket: the close `code` and `reason` (contract §7).
 * Clients reconnect with a fresh ticket except after `access_revoked` (their next ticket
 * request answers 403).
 */
export const PRESENCE_CLOSE_REASONS = {
  /** No document was authenticated in time after the socket opened. */
  unauthenticated: { code: 4401, reason: 'unauthenticated' },
  /** The bearer token the ticket was issued under expired. */
  token_expired: { code: 4401, reason: 'token_expired' },
  /** A ticket was refused (see {@link PRESENCE_REFUSALS}); reconnect with a fresh one. */
  refused: { code: 4403, reason: 'refused' },
  /** A lens policy change removed the actor's access to the canvas. */
  access_revoked: { code: 4403, reason: 'access_revoked' },
  /** The client sent more than the per-connection message budget. */
  rate_limited: { code: 4429, reason: 'rate_limited' },
  /** The client broke the protocol (undecodable frame, too many documents). */
  protocol_error: { code: 4400, reason: 'protocol_error' },
  /** The gateway is shutting down; reconnect (maybe to another node). */
  shutdown: { code: 1012, reason: 'shutdown' },
} as const;

export type PresenceCloseReason = keyof typeof PRESENCE_CLOSE_REASONS;
