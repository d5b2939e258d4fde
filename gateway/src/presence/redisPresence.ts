import type { Extension } from '@hocuspocus/server';
import { RedisTicketStore } from './RedisTicketStore.ts';
import { type RedisPresenceOptions, redisPresenceExtension } from './redisPresenceExtension.ts';
import type { TicketStore } from './TicketStore.ts';

/**
 * Presence across nodes (scale-out): tickets in Redis (issued on one node, used on any) and
 * Hocuspocus's Redis extension carrying awareness. `createPresence` loads this file only when a
 * Redis URL is configured, so the embedded gateway never loads a Redis client.
 */
export function redisPresence(options: RedisPresenceOptions): { store: TicketStore; extensions: Extension[] } {
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
  const extension = redisPresenceExtension({ url: options.url, prefix: options.prefix, ...(logger ? { logger } : {}) });
  return { store, extensions: [extension] };
}
