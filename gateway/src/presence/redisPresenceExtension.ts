import { Redis as RedisExtension } from '@hocuspocus/extension-redis';
import type pino from 'pino';

/** Options of {@link redisPresenceExtension}. */
export interface RedisPresenceOptions {
  /** Redis URL every node shares (`redis://[user:password@]host:port[/db]`, or `rediss://`). */
  url: string;
  /** Channel prefix, one per deployment. */
  prefix: string;
  logger?: pino.Logger;
}

/**
 * Hocuspocus's Redis extension (same 3.4 line as the server), so collaborators connected to
 * different gateway nodes see each other's awareness. Presence documents are read-only and
 * never stored, so only its pub/sub part does any work.
 */
export function redisPresenceExtension(options: RedisPresenceOptions): RedisExtension {
  const parsed = new URL(options.url);
  const db = Number(parsed.pathname.replace(/^\//, '') || '0');
  const extension = new RedisExtension({
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    options: {
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      ...(Number.isInteger(db) && db > 0 ? { db } : {}),
      ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
      connectionName: 'easel-presence',
      retryStrategy: (times: number) => Math.min(times * 50, 1000),
    },
    prefix: `${options.prefix}:presence`,
  });
  let lastWarn = 0;
  const onError = (err: Error) => {
    const now = Date.now();
    if (now - lastWarn < 10_000) return;
    lastWarn = now;
    options.logger?.warn(
      { err: err.message },
      'presence: Redis connection error (collaborators on other nodes are not seen meanwhile)',
    );
  };
  extension.pub.on('error', onError);
  extension.sub.on('error', onError);
  return extension;
}
