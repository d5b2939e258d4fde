/**
 * Issue 2 probe, spine level: the SQLite spine's writer modes alone (no HTTP, no fan-out), in one
 * run, interleaved (the order rotates every round). Per sample, a fresh file: an open-loop
 * appender at a fixed rate (each append stores a command outcome, as the gateway's command path
 * does, after `lookupCommand`) that also burns `--work` µs of main-thread CPU per append (the rest
 * of a command's cost on the event loop), so the writer's hand-offs compete with a busy loop as
 * in the gateway. Reports the ack latency (append → durable resolved) p50 / p99 / max, the
 * achieved rate, the process CPU (the open loop polls with `setImmediate`, so it includes the
 * polling), and transactions and WAL syncs per append, with the 1-minute load average at each
 * sample's start.
 *
 * `pnpm exec tsx bench/src/latency/spineWriterModes.ts [--rounds 3] [--rate 1400] [--work 200]
 *   [--modes worker,pipelined] [--window 3000] [--warmup 500]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteSpine, SQLITE_WRITERS, type SqliteWriter } from '@easel/gateway/spine';
import { percentile } from '../lib/stats.ts';
import { argOption } from '../lib/argOption.ts';

const rounds = Math.min(20, Math.max(1, Number(argOption('rounds', '3'))));
const rate = Math.max(10, Number(argOption('rate', '1400')));
const workUs = Math.max(0, Number(argOption('work', '200')));
const windowMs = Number(argOption('window', '3000'));
const warmupMs = Number(argOption('warmup', '500'));
const modes = argOption('modes', 'worker,pipelined')
  .split(',')
  .filter(Boolean)
  .map((m) => {
    if (!(SQLITE_WRITERS as readonly string[]).includes(m)) throw new Error(`unknown writer ${m}`);
    return m as SqliteWriter;
  });

const envelope = JSON.stringify({ v: 1, pad: 'x'.repeat(180) });
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function burn(us: number): void {
  const end = nowMs() + us / 1000;
  while (nowMs() < end) {
    // busy: the rest of a command's main-thread work
  }
}

interface Sample {
  mode: SqliteWriter;
  round: number;
  load: number;
  p50: number;
  p99: number;
  max: number;
  achieved: number;
  cpu: number;
  /** Transactions and WAL syncs per appended command over the whole sample. */
  commitsPerAppend: number;
  syncsPerAppend: number;
}

async function sample(mode: SqliteWriter, round: number): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'easel-spine-modes-'));
  const opened = openSqliteSpine({ path: join(dir, 'spine.db'), durability: 'full', writer: mode });
  if (!opened.ok) throw opened.error;
  const spine = opened.value;
  const load = loadavg()[0] as number;
  const latencies: number[] = [];
  let n = 0;
  const start = nowMs();
  const measureFrom = start + warmupMs;
  const end = measureFrom + windowMs;
  let cpuAt: NodeJS.CpuUsage | null = null;
  let measuredAcks = 0;
  const inFlight = new Set<Promise<unknown>>();
  // Open loop: every tick, issue what the schedule owes (bounded per tick).
  while (nowMs() < end) {
    const now = nowMs();
    if (cpuAt === null && now >= measureFrom) cpuAt = process.cpuUsage();
    const owed = Math.min(64, Math.floor(((now - start) * rate) / 1000) - n);
    for (let i = 0; i < owed; i++) {
      const t = n++;
      const sent = nowMs();
      const partition = `bench/p${t % 4}`;
      const commandId = `cmd-${t}`;
      await spine.lookupCommand(partition, commandId);
      burn(workUs);
      const { durable } = spine.append({
        partition,
        events: [{ type: 'token_patch', canvasId: 'c', envelope }],
        commandId,
        outcome: (seq) => ({ cursor: `e-${seq}`, revision: t }),
      });
      const p = durable.then(() => {
        if (sent >= measureFrom) {
          latencies.push(nowMs() - sent);
          measuredAcks++;
        }
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  const cpu = process.cpuUsage(cpuAt ?? undefined);
  await Promise.all(inFlight);
  const stats = spine.stats;
  await spine.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    mode,
    round,
    load,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    achieved: (measuredAcks * 1000) / windowMs,
    cpu: (cpu.user + cpu.system) / 1000 / windowMs,
    commitsPerAppend: stats.commits / Math.max(1, stats.appends),
    syncsPerAppend: stats.walSyncs / Math.max(1, stats.appends),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};

const samples: Sample[] = [];
console.log(
  `spine writer modes: ${modes.join(', ')}; ${rounds} rounds; ${rate}/s open loop, ${workUs} µs main-thread work each; window ${windowMs} ms`,
);
for (let round = 1; round <= rounds; round++) {
  const order = modes.map((_, i) => modes[(i + round - 1) % modes.length] as SqliteWriter);
  for (const mode of order) {
    const s = await sample(mode, round);
    samples.push(s);
    console.log(
      `r${round} ${mode.padEnd(16)} load ${s.load.toFixed(2)}: ack p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, ` +
        `max ${s.max.toFixed(1)} ms, ${s.achieved.toFixed(0)}/s, CPU ${(s.cpu * 100).toFixed(0)} %, ` +
        `${s.commitsPerAppend.toFixed(2)} commits and ${s.syncsPerAppend.toFixed(2)} syncs per append`,
    );
  }
}
console.log('\nmedians over rounds');
for (const mode of modes) {
  const mine = samples.filter((s) => s.mode === mode);
  console.log(
    `${mode.padEnd(16)} ack p50 ${median(mine.map((s) => s.p50)).toFixed(2)} ms, p99 ${median(mine.map((s) => s.p99)).toFixed(2)} ms, ` +
      `${median(mine.map((s) => s.achieved)).toFixed(0)}/s, CPU ${(median(mine.map((s) => s.cpu)) * 100).toFixed(0)} %, ` +
      `loads ${mine.map((s) => s.load.toFixed(1)).join('/')}`,
  );
}
process.exit(0);
