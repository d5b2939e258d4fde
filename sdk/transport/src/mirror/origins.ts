/**
 * Transaction origins the transport uses on its `Y.Doc`. Anything else (your own origins,
 * `null`, an UndoManager, a provider) is a local edit and is sent to the gateway.
 */

/** Truth from the gateway (snapshots, `state_patch`): never sent back. */
export const REMOTE_ORIGIN: unique symbol = Symbol('easel:remote');

/** Local edits re-applied after the document was rebuilt: already queued, not sent twice. */
export const REPLAY_ORIGIN: unique symbol = Symbol('easel:replay');

/** True when a transaction with this origin is a local edit to send upstream. */
export function isLocalOrigin(origin: unknown): boolean {
  return origin !== REMOTE_ORIGIN && origin !== REPLAY_ORIGIN;
}
