import type { Server } from 'node:http';
import type pino from 'pino';
import type { Registry } from 'prom-client';
import type { GatewayCore } from '../core/GatewayCore.ts';
import { MemoryTicketStore } from './MemoryTicketStore.ts';
import { presenceMetrics } from './presenceMetrics.ts';
import { PresenceServer } from './PresenceServer.ts';
import { PresenceTickets } from './PresenceTickets.ts';
import type { GuardLimits } from './SocketGuard.ts';
import type { TicketStore } from './TicketStore.ts';

/** Presence tunables (`GatewayDeps.presence`). */
export interface PresenceOptions {
  /**
   * Redis URL (scale-out): tickets live in Redis (issued on one node, used on any) and
   * Hocuspocus's Redis extension carries awareness between nodes. Default none: in process.
   */
  redisUrl?: string;
  /** Redis key and channel prefix, one per deployment. Default `easel`. */
  redisPrefix?: string;
  /** Ticket lifetime, ms (≤ 60 000). Default 30 000. `easel serve` reads `EASEL_PRESENCE_TICKET_TTL_MS`. */
  ticketTtlMs?: number;
  /** Per-connection limits (awareness ≈ 30 Hz, coalesced). */
  limits?: GuardLimits;
  /** Close sockets that authenticated nothing within this long, ms. Default 10 000. */
  authTimeoutMs?: number;
  /** Most presence sockets per node. Default 10 000. */
  maxSockets?: number;
}

/** Presence, composed: the ticket issuer the HTTP route uses and the WS server. */
export interface Presence {
  readonly tickets: PresenceTickets;
  readonly server: PresenceServer;
  /** Serves `/v1/presence` on `server`'s upgrade requests. */
  attach(server: Server): void;
  /** Closes sockets, Hocuspocus and the ticket store. */
  close(): Promise<void>;
}

/**
 * Builds presence on a core: in process, or across nodes through Redis when `redisUrl` is given
 * (the Redis parts, `redisPresence.ts`, are loaded only then).
 */
export async function createPresence(deps: {
  core: GatewayCore;
  logger?: pino.Logger;
  registry?: Registry;
  options?: PresenceOptions;
}): Promise<Presence> {
  const options = deps.options ?? {};
  const logger = deps.logger;
  const prefix = options.redisPrefix ?? 'easel';
  const redis = options.redisUrl
    ? (await import('./redisPresence.ts')).redisPresence({
        url: options.redisUrl,
        prefix,
        ...(logger ? { logger } : {}),
      })
    : null;
  const store: TicketStore = redis?.store ?? new MemoryTicketStore();
  const tickets = new PresenceTickets({
    core: deps.core,
    store,
    ...(options.ticketTtlMs !== undefined ? { ttlMs: options.ticketTtlMs } : {}),
  });
  const server = new PresenceServer({
    tickets,
    onLensChanged: (listener) => deps.core.onLensChanged(listener),
    ...(logger ? { logger } : {}),
    ...(deps.registry ? { metrics: presenceMetrics(deps.registry) } : {}),
    extensions: redis?.extensions ?? [],
    ...(redis ? { claims: redis.claims } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.authTimeoutMs !== undefined ? { authTimeoutMs: options.authTimeoutMs } : {}),
    ...(options.maxSockets !== undefined ? { maxSockets: options.maxSockets } : {}),
  });
  return {
    tickets,
    server,
    attach: (http) => server.attach(http),
    async close() {
      await server.close();
      await store.close();
      await redis?.claims.close();
    },
  };
}
