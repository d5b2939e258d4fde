import { connect } from 'node:net';
import type { Outcome } from './benchDatabase.ts';
import { redactUrl } from './benchDatabase.ts';

/**
 * Opens a TCP connection to the Redis of `url` and sends `PING`; any RESP reply (`+PONG`, or an
 * error such as `-NOAUTH`) means a Redis answers there. `rediss:` URLs are checked by connecting only.
 */
export function probeRedis(url: string, timeoutMs = 3000): Promise<Outcome<string>> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, error: `bad Redis URL: ${redactUrl(url)}` });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    return Promise.resolve({ ok: false, error: `not a redis:// URL: ${redactUrl(url)}` });
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(parsed.port || 6379);
  const where = `Redis at ${redactUrl(url)}`;
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let reply = '';
    const finish = (outcome: Outcome<string>): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ ok: false, error: `${where} did not answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.on('connect', () => {
      if (parsed.protocol === 'rediss:') finish({ ok: true, value: 'connected (TLS not checked)' });
      else socket.write('*1\r\n$4\r\nPING\r\n');
    });
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      const end = reply.indexOf('\r\n');
      if (end < 0) return;
      const line = reply.slice(0, end);
      if (line.startsWith('+') || line.startsWith('-')) finish({ ok: true, value: line.slice(1) });
      else finish({ ok: false, error: `${where}: not a Redis reply: ${JSON.stringify(line.slice(0, 80))}` });
    });
    socket.on('error', (error) => finish({ ok: false, error: `${where} is not reachable: ${error.message}` }));
    socket.on('close', () => finish({ ok: false, error: `${where} closed the connection without a reply` }));
  });
}
