/**
 * Issue 2 probe: the SQLite spine's writer modes (`EASEL_SQLITE_WRITER`) against raw SSE, in one
 * run, interleaved (the order rotates every round). Per sample, a fresh server:
 * - latency: N = 100 readers and an open-loop writer in one client process at a fixed offered
 *   rate; p50 / p99 of command → the last reader parsed it (the `latency` bench's method);
 * - fan-out: the same server, 64 closed-loop writers in a second client process, deliveries/s to
 *   the 100 readers (the `fanout` bench's method at N = 100).
 * Every sample records the 1-minute load average at its start.
 *
 * A mode is `<writer>`, `<writer>+reswrite` (SSE frames through `res.write` instead of direct
 * chunk writes: `EASEL_SSE_DIRECT_WRITES=0`, the path before) or `<writer>+normal` (`serve
 * --durability normal`: commits survive kill -9, not power loss; no fsync per commit).
 *
 * `pnpm exec tsx bench/src/latency/writerModes.ts [--rounds 3] [--rate 1400] [--modes worker,pipelined]
 *   [--warmup 1000] [--window 4000] [--no-fanout]`
 */
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientProcess } from '../client/ClientProcess.ts';
import { measureWindow } from '../lib/measureWindow.ts';
import { sleep } from '../lib/sleep.ts';
import { argOption } from '../lib/argOption.ts';
import { type ProbeServer, startProbeServer } from '../lib/startProbeServer.ts';
import { interleavedRounds } from '../lib/interleavedRounds.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const N = 100;

const rounds = Math.min(20, Math.max(1, Number(argOption('rounds', '3'))));
const rate = Math.max(10, Number(argOption('rate', '1400')));
const modes = argOption('modes', 'worker,pipelined').split(',').filter(Boolean);
const warmupMs = Number(argOption('warmup', '1000'));
const windowMs = Number(argOption('window', '4000'));
const fanout = !process.argv.includes('--no-fanout');

async function start(kind: string): Promise<ProbeServer> {
  if (kind === 'raw') return startProbeServer('raw', REPO_ROOT);
  // `<writer>` or `<writer>+reswrite` (fan-out through `res.write`, as before direct chunk writes)
  const [writer, variant] = kind.split('+') as [string, string | undefined];
  const env: Record<string, string> = { EASEL_SQLITE_WRITER: writer };
  if (variant === 'reswrite') env.EASEL_SSE_DIRECT_WRITES = '0';
  if (variant === 'normal') env.ARGS = '--durability normal';
  return startProbeServer(kind, REPO_ROOT, env);
}

interface Sample {
  kind: string;
  round: number;
  load: number;
  p50: number;
  p99: number;
  firstP50: number;
  achieved: number;
  serverCpu: number;
  deliveries: number | null;
  fanoutLoad: number | null;
}

async function sample(kind: string, round: number): Promise<Sample> {
  const server = await start(kind);
  const readers = ClientProcess.start(REPO_ROOT);
  let writers: ClientProcess | null = null;
  try {
    const connected = await readers.connect({ reader: server.reader, count: N, track: 'latency' });
    if (connected.failed > 0) throw new Error(`${connected.failed}/${N} readers failed: ${connected.firstError}`);
    const load = loadavg()[0] as number;
    await readers.startLoad({ writer: server.writer, concurrency: 128, ratePerSec: rate });
    await sleep(warmupMs);
    await readers.latency(true);
    const w = await measureWindow(readers, readers, server.pid, windowMs);
    const stats = await readers.latency(true);
    await readers.stopLoad();
    let deliveries: number | null = null;
    let fanoutLoad: number | null = null;
    if (fanout) {
      await sleep(300);
      writers = ClientProcess.start(REPO_ROOT);
      fanoutLoad = loadavg()[0] as number;
      await writers.startLoad({ writer: server.writer, concurrency: 64 });
      await sleep(warmupMs);
      const f = await measureWindow(readers, writers, server.pid, windowMs);
      await writers.stopLoad();
      deliveries = f.deliveriesPerSec;
    }
    return {
      kind,
      round,
      load,
      p50: stats.p50,
      p99: stats.p99,
      firstP50: stats.firstP50,
      achieved: Math.min(w.acksPerSec, w.deliveriesPerSec / N),
      serverCpu: w.serverCpuShare,
      deliveries,
      fanoutLoad,
    };
  } finally {
    await Promise.all([readers.stop(), writers?.stop()]);
    await server.stop();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};

const kinds = ['raw', ...modes];
console.log(`writer modes: ${kinds.join(', ')}; ${rounds} rounds; ${rate}/s offered, N=${N}; windows ${windowMs} ms`);
const samples = await interleavedRounds(
  kinds,
  rounds,
  sample,
  (s) =>
    `load ${s.load.toFixed(2)}: p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, ` +
    `first p50 ${s.firstP50.toFixed(2)} ms, ${s.achieved.toFixed(0)}/s achieved, CPU ${(s.serverCpu * 100).toFixed(0)} %` +
    (s.deliveries === null
      ? ''
      : `; fan-out N=100 ${s.deliveries.toFixed(0)} deliveries/s (load ${s.fanoutLoad?.toFixed(2)})`),
);
console.log('\nmedians over rounds (ratios: ÷ raw of the same round, then median)');
for (const kind of kinds) {
  const mine = samples.filter((s) => s.kind === kind);
  const ratio = (pick: (s: Sample) => number | null) =>
    median(
      mine.flatMap((s) => {
        const raw = samples.find((r) => r.kind === 'raw' && r.round === s.round);
        const a = pick(s);
        const b = raw === undefined ? null : pick(raw);
        return a === null || b === null || b === 0 ? [] : [a / b];
      }),
    );
  console.log(
    `${kind.padEnd(16)} p50 ${median(mine.map((s) => s.p50)).toFixed(2)} ms (×${ratio((s) => s.p50).toFixed(2)}), ` +
      `p99 ${median(mine.map((s) => s.p99)).toFixed(2)} ms (×${ratio((s) => s.p99).toFixed(2)}), ` +
      `deliveries/s ${median(mine.map((s) => s.deliveries ?? Number.NaN)).toFixed(0)} (×${ratio((s) => s.deliveries).toFixed(2)}), ` +
      `loads ${mine.map((s) => s.load.toFixed(1)).join('/')}`,
  );
}
process.exit(0);
