import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeRedis } from './probeRedis.ts';

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

/** A real TCP server on a free port that answers each connection with `reply` (or stays silent). */
async function listen(reply: string | null): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    if (reply === null) socket.resume();
    else socket.once('data', () => socket.end(reply));
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('probeRedis (scale-out bench skips cleanly when Redis is down)', () => {
  it('accepts +PONG and RESP errors such as NOAUTH', async () => {
    const pong = await listen('+PONG\r\n');
    expect(await probeRedis(`redis://127.0.0.1:${pong}`)).toEqual({ ok: true, value: 'PONG' });
    const noauth = await listen('-NOAUTH Authentication required.\r\n');
    expect((await probeRedis(`redis://127.0.0.1:${noauth}`)).ok).toBe(true);
  });

  it('reports a closed port, a silent server, a non-Redis reply and a bad URL', async () => {
    const free = await listen(null);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const refused = await probeRedis(`redis://127.0.0.1:${free}`);
    expect(refused).toMatchObject({ ok: false });
    expect(!refused.ok && refused.error).toMatch(/not reachable/);

    const silent = await listen(null);
    const timedOut = await probeRedis(`redis://127.0.0.1:${silent}`, 200);
    expect(!timedOut.ok && timedOut.error).toMatch(/did not answer/);

    const http = await listen('HTTP/1.1 400 Bad Request\r\n\r\n');
    const wrong = await probeRedis(`redis://127.0.0.1:${http}`);
    expect(!wrong.ok && wrong.error).toMatch(/not a Redis reply/);

    expect((await probeRedis('postgres://x')).ok).toBe(false);
    expect((await probeRedis('not a url')).ok).toBe(false);
  });
});
