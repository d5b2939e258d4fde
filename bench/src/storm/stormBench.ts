import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { benchCanvasSpecs } from '../easel/easelTarget.ts';
import type { RunContext } from '../lib/RunContext.ts';
import { sleep } from '../lib/sleep.ts';
import { type ServerProcess, startServer } from '../servers/ServerProcess.ts';
import { SequentialWriter } from './SequentialWriter.ts';
import { StormReaders } from './StormReaders.ts';
import type { StormResult, StormRound } from './StormResult.ts';
import type { StormStatus } from './stormProtocol.ts';
import { gatewayEntry } from '../easel/gatewayEntry.ts';

const READERS = 1000;
const WRITER_RATE = 100;
const POLL_MS = 20;

/**
 * Resume storm (`../shared/BENCHMARKS.md`): `easel serve` on a data directory, 1000 subscribers
 * of one canvas in a reader process (lightweight readers that resume as `CanvasTransport` does:
 * its backoff tiers, the server's `retry:`, `Last-Event-ID`), and one writer numbering its
 * `token.set` commands (100/s, each retried under its `command_id` until acknowledged). After a
 * while the gateway is killed with SIGKILL and started again on the same port and data; the bench
 * measures restart → every reader has every update acknowledged before the kill, then lets the
 * writer go on, stops it and checks every reader saw every update exactly once, in order.
 */
export async function runStormBench(ctx: RunContext): Promise<StormResult> {
  const rounds = ctx.config.quick ? 1 : ctx.config.rounds;
  const beforeKillMs = ctx.config.quick ? 1500 : 3000;
  const timeoutMs = 30_000;
  const result: StormResult = {
    config: { readers: READERS, writerRate: WRITER_RATE, beforeKillMs, rounds, timeoutMs },
    rounds: [],
    failures: [],
  };
  for (let round = 1; round <= rounds; round++) {
    try {
      const r = await stormRound(ctx, round, beforeKillMs, timeoutMs);
      result.rounds.push(r);
      ctx.log(
        `storm r${round}: restart ${r.restartMs.toFixed(0)} ms; accepting → ${r.readers} caught up ` +
          `${r.caughtUpMs === null ? 'NEVER' : `${r.caughtUpMs.toFixed(0)} ms`} (kill → caught up ` +
          `${r.killToCaughtUpMs?.toFixed(0) ?? '—'} ms); gaps ${r.gaps}, duplicates ${r.duplicates}, resets ${r.resets}, ` +
          `complete ${r.complete}/${r.readers}`,
      );
    } catch (error) {
      result.failures.push(`round ${round}: ${String(error).slice(0, 2000)}`);
      ctx.log(`storm r${round}: FAILED ${String(error).split('\n')[0]}`);
    }
  }
  return result;
}

async function launch(ctx: RunContext, port: number, dataDir: string, secret: string, label: string) {
  return startServer({
    label,
    cwd: ctx.repoRoot,
    script: await gatewayEntry(ctx.repoRoot),
    args: ['serve', '--port', String(port), '--data', dataDir],
    env: { EASEL_JWT_SECRET: secret, EASEL_LOG_LEVEL: 'warn' },
  });
}

/**
 * When the restarted gateway first accepted a TCP connection on `port` (polled every 5 ms): its
 * `listening` line can reach this process well after the readers were already being served.
 */
async function firstAccept(port: number, deadline: number): Promise<number | null> {
  while (performance.now() < deadline) {
    const at = await new Promise<number | null>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        resolve(performance.now());
        socket.destroy();
      });
      socket.once('error', () => resolve(null));
    });
    if (at !== null) return at;
    await sleep(5);
  }
  return null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stormRound(
  ctx: RunContext,
  round: number,
  beforeKillMs: number,
  timeoutMs: number,
): Promise<StormRound> {
  const dataDir = mkdtempSync(join(tmpdir(), 'easel-storm-'));
  const secret = randomBytes(24).toString('hex');
  let server: ServerProcess = await launch(ctx, 0, dataDir, secret, 'easel-storm');
  const readers = StormReaders.start(ctx.repoRoot);
  let writer: SequentialWriter | null = null;
  try {
    const specs = await benchCanvasSpecs(server.baseUrl, secret);
    const load = loadavg()[0] as number;
    const opened = await readers.open(specs.reader.url, specs.reader.headers ?? {}, READERS);
    if (opened.failed > 0) throw new Error(`${opened.failed}/${READERS} readers failed to open: ${opened.firstError}`);
    writer = new SequentialWriter(specs.writer as typeof specs.writer & { body: { kind: 'easel' } }, WRITER_RATE);
    writer.start();
    await sleep(beforeKillMs);

    const ackedAtKill = writer.acked;
    const killedAt = performance.now();
    process.kill(-server.pid, 'SIGKILL');
    for (let i = 0; i < 500 && alive(server.pid); i++) await sleep(5);
    const accepting = firstAccept(server.port, killedAt + timeoutMs);
    server = await launch(ctx, server.port, dataDir, secret, 'easel-storm (restarted)');
    const acceptingAt = await accepting;
    if (acceptingAt === null)
      throw new Error('the restarted gateway printed "listening" but no connection was accepted');

    let caughtUpAt: number | null = null;
    let allLiveAt: number | null = null;
    let status: StormStatus;
    do {
      await sleep(POLL_MS);
      status = await readers.status(ackedAtKill);
      const now = performance.now();
      if (allLiveAt === null && status.live === status.readers && status.reconnects >= status.readers) allLiveAt = now;
      if (caughtUpAt === null && status.caughtUp === status.readers) caughtUpAt = now;
    } while ((caughtUpAt === null || allLiveAt === null) && performance.now() - acceptingAt < timeoutMs);

    await sleep(1000);
    await writer.stop();
    const lastAcked = writer.acked;
    const settleBy = performance.now() + 10_000;
    do {
      await sleep(POLL_MS);
      status = await readers.status(lastAcked);
    } while (status.caughtUp < status.readers && performance.now() < settleBy);

    return {
      round,
      load,
      readers: status.readers,
      ackedAtKill,
      restartMs: acceptingAt - killedAt,
      caughtUpMs: caughtUpAt === null ? null : caughtUpAt - acceptingAt,
      killToCaughtUpMs: caughtUpAt === null ? null : caughtUpAt - killedAt,
      allLiveMs: allLiveAt === null ? null : allLiveAt - acceptingAt,
      gaps: status.gaps,
      duplicates: status.duplicates,
      resets: status.resets,
      reconnects: status.reconnects,
      failedAttempts: status.failedAttempts,
      complete: status.caughtUp,
      lastAcked,
      writerRetries: writer.retries,
    };
  } catch (error) {
    throw new Error(`${String(error)}\n--- gateway output ---\n${server.recentOutput()}`);
  } finally {
    if (writer) await writer.stop().catch(() => {});
    await readers.stop();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
