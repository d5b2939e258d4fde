import { randomBytes } from 'node:crypto';
import {
  describeZodError,
  MAX_PRESENCE_TICKET_SECONDS,
  type PresenceRefusal,
  type PresenceTicket,
  partitionId,
  presenceTicketRequestSchema,
} from '@easel/schemas';
import type { Principal } from '../core/auth/Principal.ts';
import { fail, ok, type Result } from '../core/errors/GatewayError.ts';
import type { GatewayCore } from '../core/GatewayCore.ts';
import type { LensView } from '../core/lens/LensView.ts';
import { parseScope } from '../core/scope/parseScope.ts';
import { canSeeCanvas } from './canSeeCanvas.ts';
import { PRESENCE_PATH, presenceDocument } from './presenceDocument.ts';
import type { TicketRecord, TicketStore } from './TicketStore.ts';

/** The longest ticket lifetime the contract allows (§7), ms. */
export const MAX_TICKET_TTL_MS = MAX_PRESENCE_TICKET_SECONDS * 1000;
/** Default ticket lifetime: a ticket is used right after it is fetched. */
export const DEFAULT_TICKET_TTL_MS = 30_000;

/** A ticket's text: 24 random bytes, base64url. */
const TICKET_RE = /^[A-Za-z0-9_-]{16,128}$/;

/** Options of {@link PresenceTickets}. */
export interface PresenceTicketsOptions {
  /** Canvas existence, manifests and lens views. */
  core: Pick<GatewayCore, 'canvasReady' | 'lensView'>;
  store: TicketStore;
  /**
   * Ticket lifetime in ms, clamped to 1 ms … 60 000 ms (contract §7: at most 60 s).
   * Default 30 000. Tests shorten it (`EASEL_PRESENCE_TICKET_TTL_MS`).
   */
  ttlMs?: number;
  /** Clock (ms since the epoch). Default `Date.now`. */
  now?: () => number;
}

/** Where and under which token a ticket is asked for (from the HTTP request). */
export interface TicketRequestContext {
  /** Expiry of the bearer token of the request, ms since the epoch. */
  tokenExpiresAtMs: number;
  /** Where clients reach this gateway over WebSocket: `ws(s)://<host>` (the path is added). */
  wsOrigin: string;
}

/**
 * Presence tickets (contract §7): `issue` answers `POST /v1/presence/tickets` for an actor who
 * can see the canvas; `redeem` is Hocuspocus's authentication: it consumes the ticket (single
 * use, whatever the outcome) and checks document, token expiry and the lens as they are now.
 */
export class PresenceTickets {
  readonly ttlMs: number;
  readonly #core: PresenceTicketsOptions['core'];
  readonly #store: TicketStore;
  readonly #now: () => number;

  constructor(options: PresenceTicketsOptions) {
    this.#core = options.core;
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    const ttl = options.ttlMs ?? DEFAULT_TICKET_TTL_MS;
    this.ttlMs = Number.isFinite(ttl)
      ? Math.min(MAX_TICKET_TTL_MS, Math.max(1, Math.floor(ttl)))
      : DEFAULT_TICKET_TTL_MS;
  }

  /** `POST /v1/presence/tickets`: 400 bad body, 403 tenant or lens, 404 no canvas, 503 store. */
  async issue(principal: Principal, body: unknown, context: TicketRequestContext): Promise<Result<PresenceTicket>> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return fail('validation_failed', 'the body must be {"scope": {…, "canvas_id"}}', {
        issues: [{ path: 'scope', message: 'required' }],
      });
    }
    const parsed = presenceTicketRequestSchema.safeParse(body);
    if (!parsed.success) {
      const described = describeZodError(parsed.error);
      return fail('validation_failed', described.message, described.details);
    }
    const scope = parseScope(principal, parsed.data.scope, { canvas: 'required' });
    if (!scope.ok) return scope;
    const partition = partitionId(scope.value);
    let view: LensView;
    try {
      view = await this.#core.lensView(principal, partition);
    } catch {
      return fail('unavailable', 'the lens policy could not be read; retry');
    }
    const ready = await this.#core.canvasReady(principal, scope.value, view, { snapshot: false, reset: false });
    if (!ready.ok) return ready;
    const manifest = ready.value.payload.manifest;
    const surface = { roots: Object.keys(manifest.roots), tokens: Object.keys(manifest.tokens ?? {}) };
    const canvasId = scope.value.canvas_id!;
    if (!canSeeCanvas(view, surface)) {
      return fail(
        'forbidden',
        `your roles let you see nothing of canvas '${canvasId}', so you cannot join its presence`,
      );
    }
    const now = this.#now();
    const record: TicketRecord = {
      actorId: principal.actorId,
      kind: principal.kind,
      roles: [...principal.roles],
      tenantId: principal.tenantId,
      projectId: scope.value.project_id,
      canvasId,
      document: presenceDocument({ ...scope.value, canvas_id: canvasId }),
      expiresAtMs: now + this.ttlMs,
      tokenExpiresAtMs: context.tokenExpiresAtMs,
      ...surface,
    };
    const ticket = randomBytes(24).toString('base64url');
    if (!(await this.#store.put(ticket, record))) {
      return fail('unavailable', 'presence tickets cannot be issued right now; retry shortly');
    }
    return ok({
      ticket,
      url: `${context.wsOrigin}${PRESENCE_PATH}`,
      document: record.document,
      expires_at: new Date(record.expiresAtMs).toISOString(),
    });
  }

  /**
   * Consumes `ticket` for `document`: the record, or why it is refused. A ticket is used up by
   * its first redemption even when that one is refused (wrong document, expired token).
   */
  async redeem(
    ticket: string,
    document: string,
  ): Promise<{ ok: true; value: TicketRecord } | { ok: false; reason: PresenceRefusal }> {
    if (typeof ticket !== 'string' || !TICKET_RE.test(ticket)) return { ok: false, reason: 'ticket_unknown' };
    const now = this.#now();
    const consumed = await this.#store.consume(ticket, now);
    if (!consumed.ok) return consumed;
    const record = consumed.value;
    if (record.document !== document) return { ok: false, reason: 'wrong_document' };
    if (record.tokenExpiresAtMs <= now) return { ok: false, reason: 'token_expired' };
    const allowed = await this.allows(record);
    if (allowed === null) return { ok: false, reason: 'unavailable' };
    if (!allowed) return { ok: false, reason: 'forbidden' };
    return { ok: true, value: record };
  }

  /** Does the lens (as it is now) still let the ticket's actor see its canvas? Null: cannot tell. */
  async allows(record: TicketRecord): Promise<boolean | null> {
    const principal: Principal = {
      actorId: record.actorId,
      tenantId: record.tenantId,
      kind: record.kind,
      roles: record.roles,
    };
    try {
      return canSeeCanvas(await this.#core.lensView(principal, `${record.tenantId}/${record.projectId}`), record);
    } catch {
      return null;
    }
  }
}
