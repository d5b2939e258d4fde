/**
 * Which actor each awareness client id of a presence document is bound to, as the socket guard
 * asks it (contract §7: no one speaks for another). {@link ClientIdClaims} answers at once (one
 * node); `RedisClientIdClaims` answers ids it does not know yet after asking Redis (every node).
 */
export interface ClientIdClaimer {
  /**
   * Binds `clientId` of `document` to `actorId` for one more connection. `true`: it is the
   * actor's (the caller must `release` it); `false`: another actor's. A promise when the answer
   * must be fetched: it resolves `true`/`false` the same way, or `null` when it cannot be checked
   * now (ask again later). It never rejects.
   */
  claim(document: string, clientId: number, actorId: string): boolean | Promise<boolean | null>;
  /** One connection of `actorId` stopped speaking for `clientId`. */
  release(document: string, clientId: number, actorId: string): void;
}
