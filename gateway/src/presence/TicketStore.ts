import type { ActorKind } from '@easel/schemas';

/** What a presence ticket stands for: who, where, until when. Stored by the gateway, never sent. */
export interface TicketRecord {
  readonly actorId: string;
  readonly kind: ActorKind;
  readonly roles: readonly string[];
  readonly tenantId: string;
  readonly projectId: string;
  readonly canvasId: string;
  /** `<tenant>/<project>/<canvas>`: the only document the ticket opens. */
  readonly document: string;
  /** The ticket's own expiry (≤ 60 s after issue), ms since the epoch. */
  readonly expiresAtMs: number;
  /** Expiry of the bearer token the ticket was issued under: the connection closes then. */
  readonly tokenExpiresAtMs: number;
  /** The canvas's root names and token ids, to re-check the lens on policy changes. */
  readonly roots: readonly string[];
  readonly tokens: readonly string[];
}

/** Why a ticket cannot be consumed. */
export type ConsumeRefusal = 'ticket_unknown' | 'ticket_used' | 'ticket_expired' | 'unavailable';

export type ConsumeResult = { ok: true; value: TicketRecord } | { ok: false; reason: ConsumeRefusal };

/**
 * Single-use tickets. `consume` is atomic: of two concurrent consumers of one ticket, exactly
 * one gets the record (in process for the embedded store, in Redis across nodes). A consumed or
 * expired ticket is remembered for a grace period, so refusals can say which it was.
 */
export interface TicketStore {
  /** Stores `record` under `ticket`; false when the store is full or unreachable. */
  put(ticket: string, record: TicketRecord): Promise<boolean>;
  consume(ticket: string, nowMs: number): Promise<ConsumeResult>;
  close(): Promise<void>;
}

/** How long a used or expired ticket is remembered past its expiry (to name the refusal). */
export const TICKET_GRACE_MS = 60_000;
