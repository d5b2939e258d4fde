/**
 * The wire protocol version, carried as `v` in every event envelope.
 *
 * History:
 * - 1 (issue 2): first version — envelope `{v, event_id, type, timestamp, scope, actor, durable, ...}`,
 *   commands v1 (`canvas.create`, `token.*`, `state.*`, `canvas.commit|revert`, `chat.send`, `turn.cancel`),
 *   cursor text `<epoch>-<seq>`.
 *
 * Bump only for a breaking change; additive changes (new event types, new optional fields) keep it.
 */
export const PROTOCOL_VERSION = 1 as const;

export type ProtocolVersion = typeof PROTOCOL_VERSION;
