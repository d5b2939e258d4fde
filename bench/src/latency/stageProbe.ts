/**
 * Issue 2 probe: where the milliseconds of command → last subscriber go. Starts `easel serve` with
 * `EASEL_STAGE_TRACE` (the gateway stamps each durable seq per stage on CLOCK_MONOTONIC), opens
 * N = 100 SSE readers and an open-loop writer in this process (stamped on the same clock), joins
 * both by the command's sequence number and prints per-stage p50 / p99.
 *
 * `pnpm exec tsx bench/src/latency/stageProbe.ts [--rate 700] [--window 4000] [--writer worker]
 *   [--rounds 1] [--env KEY=VALUE,...] [--args '--durability normal']`
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameSink } from '../client/FrameSink.ts';
import { openSseReader, type Reader } from '../client/sseReader.ts';
import { WriterPool } from '../client/WriterPool.ts';
import { startEaselTarget } from '../easel/easelTarget.ts';
import { sleep } from '../lib/sleep.ts';
import { startTarget } from '../servers/targets.ts';
import { argOption } from '../lib/argOption.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const N = 100;

const rate = Number(argOption('rate', '700'));
const windowMs = Number(argOption('window', '4000'));
const writerMode = argOption('writer', 'worker');
const rounds = Number(argOption('rounds', '1'));
const extraEnv = Object.fromEntries(
  argOption('env', '')
    .split(',')
    .filter(Boolean)
    .map((kv) => kv.split('=') as [string, string]),
);

const profDir = argOption('prof', '');

/** utime + stime of `pid` (all threads), seconds. */
function procCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Run time and run-queue wait of `pid`'s busiest thread and of all its threads, seconds (/proc schedstat). */
function schedSeconds(pid: number): { run: number; wait: number; mainRun: number; mainWait: number } {
  let run = 0;
  let wait = 0;
  const main = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const [r, w] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
      run += (r ?? 0) / 1e9;
      wait += (w ?? 0) / 1e9;
    } catch {
      // the thread ended
    }
  }
  return { run, wait, mainRun: (main[0] ?? 0) / 1e9, mainWait: (main[1] ?? 0) / 1e9 };
}

const hrNow = (): number => Number(process.hrtime.bigint()) / 1e6;

interface ClientRec {
  sent: number;
  first: number;
  last: number;
  seen: number;
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

const STAGES: Array<[string, string, string]> = [
  ['client → recv', 'sent', 'recv'],
  ['recv → verified', 'recv', 'verified'],
  ['verified → body', 'verified', 'body'],
  ['body → queued (validate, apply, append)', 'body', 'queued'],
  ['queued → commitStart (batch wait)', 'queued', 'commitStart'],
  ['commitStart → durable (commit + ack)', 'commitStart', 'durable'],
  ['durable → fanout (publish)', 'durable', 'fanout'],
  ['fanout → flushStart', 'fanout', 'flushStart'],
  ['flushStart → flushEnd (100 writes)', 'flushStart', 'flushEnd'],
  ['flushEnd → first reader', 'flushEnd', 'first'],
  ['flushEnd → last reader', 'flushEnd', 'last'],
  ['durable → resolved (ack built)', 'durable', 'resolved'],
  ['resolved → ackFinish', 'resolved', 'ackFinish'],
  ['TOTAL client → first reader', 'sent', 'first'],
  ['TOTAL client → last reader', 'sent', 'last'],
  ['server recv → flushEnd', 'recv', 'flushEnd'],
];

async function startRaw() {
  const raw = await startTarget('raw', { repoRoot: REPO_ROOT });
  return { pid: raw.server.pid, reader: raw.reader, writer: raw.writer, stop: raw.stop };
}

async function round(r: number): Promise<void> {
  const tracePath = join(tmpdir(), `easel-stage-${process.pid}-${r}.jsonl`);
  rmSync(tracePath, { force: true });
  const easel =
    writerMode === 'raw'
      ? await startRaw()
      : await startEaselTarget({
          repoRoot: REPO_ROOT,
          env: { EASEL_SQLITE_WRITER: writerMode, EASEL_STAGE_TRACE: tracePath, ...extraEnv },
          extraArgs: argOption('args', '').split(' ').filter(Boolean),
          label: writerMode,
          nodeArgs: profDir === '' ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir],
        });
  const client = new Map<number, ClientRec>();
  const sink = new FrameSink();
  sink.onSeq = (seq) => {
    const rec = client.get(seq);
    if (rec === undefined) return;
    const t = hrNow();
    if (rec.seen === 0) rec.first = t;
    rec.seen += 1;
    if (rec.seen === N) rec.last = t;
  };
  const readers: Reader[] = [];
  let pool: WriterPool | null = null;
  try {
    const spec = easel.reader;
    if (spec.kind !== 'sse') throw new Error('expected an SSE reader');
    for (let i = 0; i < N; i++)
      readers.push(await openSseReader(spec.url, spec.headers, spec.readyAfter, sink, 20_000));
    let seq = 0;
    let recording = false;
    pool = new WriterPool(
      easel.writer,
      128,
      () => ++seq,
      (n) => {
        if (recording) client.set(n, { sent: hrNow(), first: 0, last: 0, seen: 0 });
      },
    );
    const load = loadavg()[0] as number;
    pool.start(rate);
    await sleep(1000);
    const pid = 'pid' in easel ? easel.pid : easel.server.pid;
    const cpu0 = procCpuSeconds(pid);
    const sched0 = schedSeconds(pid);
    const tracer = process.argv.includes('--strace')
      ? spawn('strace', ['-c', '-f', '-o', `/tmp/strace-${writerMode}.txt`, '-p', String(pid)], { stdio: 'ignore' })
      : null;
    recording = true;
    await sleep(windowMs);
    recording = false;
    const cpuShare = (procCpuSeconds(pid) - cpu0) / (windowMs / 1000);
    const sched1 = schedSeconds(pid);
    const perSec = (a: number, b: number) => (((b - a) / (windowMs / 1000)) * 1000).toFixed(0);
    if (tracer !== null) {
      tracer.kill('SIGINT');
      await new Promise((r) => tracer.once('exit', r));
      await sleep(500);
      console.log(readFileSync(`/tmp/strace-${writerMode}.txt`, 'utf8').split('\n').slice(0, 14).join('\n'));
    }
    await pool.stop();
    await sleep(1500);
    const joined: Array<Record<string, number>> = [];
    const loops: string[] = [];
    const server = writerMode === 'raw' ? [] : readFileSync(tracePath, 'utf8').split('\n').filter(Boolean);
    if (writerMode === 'raw') {
      for (const c of client.values()) if (c.last !== 0) joined.push({ sent: c.sent, first: c.first, last: c.last });
    }
    for (const line of server) {
      const rec = JSON.parse(line) as Record<string, number>;
      if (rec.loop !== undefined) {
        loops.push(
          `elu ${(rec.elu as number).toFixed(2)} lag p50 ${(rec.eld50 as number).toFixed(1)} p99 ${(rec.eld99 as number).toFixed(1)} max ${(rec.eldMax as number).toFixed(1)}`,
        );
        continue;
      }
      const c = rec.client === undefined ? undefined : client.get(rec.client);
      if (c === undefined || c.last === 0) continue;
      joined.push({ ...rec, sent: c.sent, first: c.first, last: c.last });
    }
    console.log(
      `\nround ${r}: writer ${writerMode} ${JSON.stringify(extraEnv)}, ${rate}/s, load ${load.toFixed(2)} → ${(loadavg()[0] as number).toFixed(2)}, ${joined.length} joined of ${client.size} sent`,
    );
    console.log(
      `  server CPU ${(cpuShare * 100).toFixed(0)} % of a core; per second: main thread ran ${perSec(sched0.mainRun, sched1.mainRun)} ms, ` +
        `waited runnable ${perSec(sched0.mainWait, sched1.mainWait)} ms; all threads ran ${perSec(sched0.run, sched1.run)} ms, waited ${perSec(sched0.wait, sched1.wait)} ms`,
    );
    const flushes = new Set(joined.map((j) => j.flushStart));
    const batches = new Set(joined.map((j) => j.commitStart));
    console.log(`  ${flushes.size} fan-out flushes, ${batches.size} batches for ${joined.length} commands`);
    console.log(`  server loop per 0.5 s: ${loops.slice(2, 12).join(' | ')}`);
    for (const [label, a, b] of STAGES) {
      const ds = joined.flatMap((j) =>
        j[a] !== undefined && j[b] !== undefined ? [(j[b] as number) - (j[a] as number)] : [],
      );
      console.log(
        `  ${label.padEnd(42)} p50 ${pct(ds, 50).toFixed(2).padStart(7)}  p90 ${pct(ds, 90).toFixed(2).padStart(7)}  p99 ${pct(ds, 99).toFixed(2).padStart(7)} ms  (n=${ds.length})`,
      );
    }
  } finally {
    for (const reader of readers) reader.close();
    await pool?.stop();
    await easel.stop();
    rmSync(tracePath, { force: true });
  }
}

for (let r = 1; r <= rounds; r++) await round(r);
process.exit(0);
