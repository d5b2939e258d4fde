import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** The shared Redis tests use (`EASEL_TEST_REDIS_URL`, default the machine's `redis://127.0.0.1:6379`). */
export function testRedisUrl(): string {
  return process.env.EASEL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A channel prefix no other test (file) uses. */
export function randomPrefix(): string {
  return `easeltest-${randomBytes(6).toString('hex')}`;
}

/** Throws a clear error when Redis at `url` does not answer PING within `timeoutMs`. */
export async function requireRedis(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
      }),
    ]);
    if (answer !== 'PONG') throw new Error(`PING answered ${answer}`);
  } catch (err) {
    throw new Error(
      `Redis at ${url} is unreachable (${String(err)}). The Redis bus tests need a real Redis: start the ` +
        `machine's Redis (e.g. \`redis-server --daemonize yes\`) or set EASEL_TEST_REDIS_URL.`,
    );
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A `redis-server` child process owned by one test (never the machine's shared Redis). */
export interface RedisChild {
  readonly port: number;
  readonly url: string;
  /** Kills the server with SIGKILL and waits until it exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence) and waits until it answers. */
  restart(): Promise<void>;
  /** Kills it if running. */
  stop(): Promise<void>;
}

const REDIS_SERVER = process.env.EASEL_REDIS_SERVER ?? '/usr/bin/redis-server';

/** Starts `redis-server` on a free loopback port without persistence; waits (bounded) until it answers. */
export async function startRedisChild(): Promise<RedisChild> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  const launch = async (): Promise<void> => {
    const proc = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    child = proc;
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (err) => reject(new Error(`cannot start ${REDIS_SERVER}: ${err.message}`)));
      proc.once('exit', (code) => reject(new Error(`${REDIS_SERVER} exited with ${code} while starting`)));
    });
    failed.catch(() => {});
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await Promise.race([requireRedis(url, 500), failed]);
        return;
      } catch (err) {
        if (Date.now() > deadline || proc.exitCode !== null) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };

  const kill = async (): Promise<void> => {
    const proc = child as ChildProcess | null;
    child = null;
    if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  };

  await launch();
  return { port, url, kill, restart: launch, stop: kill };
}
