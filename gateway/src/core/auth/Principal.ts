/**
 * The authenticated caller of a request, derived from a verified JWT (contract §2).
 * Transport-agnostic: the HTTP adapter builds it, the core only reads it.
 */
export interface Principal {
  /** `sub` claim: the actor id, also the envelope's `actor.id`. */
  readonly actorId: string;
  /** `tenant_id` claim: every scope must match it (403 `tenant_mismatch` otherwise). */
  readonly tenantId: string;
  /** `kind` claim. */
  readonly kind: 'human' | 'agent' | 'service';
  /** `roles` claim: lens permissions are the union over these roles. */
  readonly roles: readonly string[];
}
