import type { Extension } from '@hocuspocus/server';
import { RedisClientIdClaims } from './RedisClientIdClaims.ts';
import { RedisTicketStore } from './RedisTicketStore.ts';
import { type RedisPresenceOptions, redisPresenceExtension } from './redisPresenceExtension.ts';
import type { TicketStore } from './TicketStore.ts';

/**
 * Presence across nodes (scale-out): tickets in Redis (issued on one node, used on any), awareness
 * client-id claims in Redis (an id is its actor's on every node), and Hocuspocus's Redis
 * extension carrying awareness. `createPresence` loads this file only when a
 * Redis URL is configured, so the embedded gateway never loads a Redis client.
 */
export function redisPresence(options: RedisPresenceOptions): {
  store: TicketStore;
  claims: RedisClientIdClaims;
  extensions: Extension[];
} {
  const logger = options.logger;
  let lastWarn = 0;
  const store = new RedisTicketStore({
    url: options.url,
    prefix: options.prefix,
    onError: (err) => {
      if (Date.now() - lastWarn < 10_000) return;
      lastWarn = Date.now();
      logger?.warn({ err: err.message }, 'presence: ticket store Redis error');
    },
  });
  let lastClaimsWarn = 0;
  const claims = new RedisClientIdClaims({
    url: options.url,
    prefix: options.prefix,
    onError: (err) => {
      if (Date.now() - lastClaimsWarn < 10_000) return;
      lastClaimsWarn = Date.now();
      logger?.warn({ err: err.message }, 'presence: client-id claims Redis error (new client ids wait meanwhile)');
    },
  });
  const extension = redisPresenceExtension({ url: options.url, prefix: options.prefix, ...(logger ? { logger } : {}) });
  return { store, claims, extensions: [extension] };
}
