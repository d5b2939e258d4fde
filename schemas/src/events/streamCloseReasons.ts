/**
 * Why the gateway ends an SSE stream (sent as the `stream_closed` event's `reason` before it
 * closes). Clients reconnect with their cursor except after `lens_revoked` and `replaced`.
 */
export const STREAM_CLOSE_REASONS = {
  /** The subscriber fell too far behind; reconnect with the last cursor. */
  slow_consumer: 'slow_consumer',
  /** The actor may no longer read this stream. */
  lens_revoked: 'lens_revoked',
  /** The gateway is shutting down; reconnect (maybe elsewhere). */
  shutdown: 'shutdown',
  /** The bearer token expired; reconnect with a fresh one. */
  token_expired: 'token_expired',
  /** A newer connection of the same session took over. */
  replaced: 'replaced',
} as const;

export type StreamCloseReason = keyof typeof STREAM_CLOSE_REASONS;

export const STREAM_CLOSE_REASON_LIST = Object.keys(STREAM_CLOSE_REASONS) as [
  StreamCloseReason,
  ...StreamCloseReason[],
];
