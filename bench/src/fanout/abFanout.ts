/**
 * Issue 2 probe: N = 100 fan-out deliveries/s of Easel variants (environment settings of the
 * gateway) against raw SSE, in one run, interleaved (the order rotates every round). Per sample a
 * fresh server, N readers in one client process and 64 closed-loop writers in another: the
 * `fanout` bench's method at one N. Every sample records the 1-minute load average at its start.
 *
 * `--n 0` runs no reader: the command path alone.
 * `pnpm exec tsx bench/src/fanout/abFanout.ts [--rounds 3] [--n 100] [--writers 64] [--warmup 1500] [--window 4000]
 *   [--variants 'base=;direct=EASEL_X=1,EASEL_Y=0'] [--no-raw]`
 *
 * A variant is `<label>=<VAR>=<value>,…` (empty: the defaults); variants are separated by `;`.
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

const rounds = Math.min(20, Math.max(1, Number(argOption('rounds', '3'))));
const n = Math.min(2000, Math.max(0, Number(argOption('n', '100'))));
const warmupMs = Number(argOption('warmup', '1500'));
const windowMs = Number(argOption('window', '4000'));
const withRaw = !process.argv.includes('--no-raw');
const writerCount = Math.min(1024, Math.max(1, Number(argOption('writers', '64'))));

/** Parses `label=VAR=value,VAR=value;label2=…`. */
function parseVariants(text: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const part of text.split(';').filter(Boolean)) {
    const eq = part.indexOf('=');
    const label = eq < 0 ? part : part.slice(0, eq);
    const env: Record<string, string> = {};
    for (const setting of (eq < 0 ? '' : part.slice(eq + 1)).split(',').filter(Boolean)) {
      const at = setting.indexOf('=');
      if (at > 0) env[setting.slice(0, at)] = setting.slice(at + 1);
    }
    out.set(label, env);
  }
  return out;
}
const variants = parseVariants(argOption('variants', 'easel='));

async function start(kind: string): Promise<ProbeServer> {
  return startProbeServer(kind, REPO_ROOT, variants.get(kind) ?? {});
}

interface Sample {
  kind: string;
  round: number;
  load: number;
  deliveries: number;
  updates: number;
  serverCpu: number;
  readerCpu: number;
  writerCpu: number;
  errors: number;
}

async function sample(kind: string, round: number): Promise<Sample> {
  const server = await start(kind);
  const readers = ClientProcess.start(REPO_ROOT);
  const writers = ClientProcess.start(REPO_ROOT);
  try {
    const connected =
      n === 0
        ? { failed: 0, firstError: '' }
        : await readers.connect({ reader: server.reader, count: n, track: 'count' });
    if (connected.failed > 0) throw new Error(`${connected.failed}/${n} readers failed: ${connected.firstError}`);
    const load = loadavg()[0] as number;
    await writers.startLoad({ writer: server.writer, concurrency: writerCount });
    await sleep(warmupMs);
    const w = await measureWindow(readers, writers, server.pid, windowMs);
    await writers.stopLoad();
    return {
      kind,
      round,
      load,
      deliveries: w.deliveriesPerSec,
      updates: w.acksPerSec,
      serverCpu: w.serverCpuShare,
      readerCpu: w.readerCpuShare,
      writerCpu: w.writerCpuShare,
      errors: w.errors,
    };
  } finally {
    await Promise.all([readers.stop(), writers.stop()]);
    await server.stop();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};

/** The server's CPU time per acknowledged update (its fan-out included), in µs. */
const cpuPerUpdate = (s: Sample) => (s.updates > 0 ? (s.serverCpu * 1e6) / s.updates : Number.NaN);

const kinds = [...(withRaw ? ['raw'] : []), ...variants.keys()];
console.log(
  `fan-out A/B: ${kinds.join(', ')}; ${rounds} rounds; N=${n}; ${writerCount} writers; windows ${windowMs} ms`,
);
const samples = await interleavedRounds(
  kinds,
  rounds,
  sample,
  (s) =>
    `load ${s.load.toFixed(2)}: ${s.deliveries.toFixed(0)} deliveries/s, ${s.updates.toFixed(0)} updates/s, ` +
    `CPU server ${(s.serverCpu * 100).toFixed(0)} % (${cpuPerUpdate(s).toFixed(0)} µs per update), readers ${(s.readerCpu * 100).toFixed(0)} %, writers ${(s.writerCpu * 100).toFixed(0)} %${s.errors > 0 ? `, ${s.errors} errors` : ''}`,
);
console.log('\nmedians over rounds; ratio = ÷ the first variant of the same round (then median, min–max)');
const first = [...variants.keys()][0] as string;
for (const kind of kinds) {
  const mine = samples.filter((s) => s.kind === kind);
  const ratios = mine.flatMap((s) => {
    const base = samples.find((r) => r.kind === first && r.round === s.round);
    return base === undefined || base.deliveries === 0 ? [] : [s.deliveries / base.deliveries];
  });
  const rawRatios = mine.flatMap((s) => {
    const raw = samples.find((r) => r.kind === 'raw' && r.round === s.round);
    return raw === undefined || raw.deliveries === 0 ? [] : [s.deliveries / raw.deliveries];
  });
  const perUpdate = mine.map(cpuPerUpdate);
  const cpuRatios = mine.flatMap((s) => {
    const base = samples.find((r) => r.kind === first && r.round === s.round);
    return base === undefined ? [] : [cpuPerUpdate(s) / cpuPerUpdate(base)];
  });
  console.log(
    `${kind.padEnd(12)} deliveries/s ${median(mine.map((s) => s.deliveries)).toFixed(0)} ` +
      `(${Math.min(...mine.map((s) => s.deliveries)).toFixed(0)}–${Math.max(...mine.map((s) => s.deliveries)).toFixed(0)}), ` +
      `÷ ${first} ×${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}), ` +
      `÷ raw ×${median(rawRatios).toFixed(2)}, CPU ${median(mine.map((s) => s.serverCpu * 100)).toFixed(0)} %, ` +
      `server CPU per update ${median(perUpdate).toFixed(0)} µs (${Math.min(...perUpdate).toFixed(0)}–${Math.max(...perUpdate).toFixed(0)}), ` +
      `÷ ${first} ×${median(cpuRatios).toFixed(3)} (${Math.min(...cpuRatios).toFixed(3)}–${Math.max(...cpuRatios).toFixed(3)}), ` +
      `loads ${mine.map((s) => s.load.toFixed(1)).join('/')}`,
  );
}
process.exit(0);
