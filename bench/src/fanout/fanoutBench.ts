import { fmt, pct } from '../lib/format.ts';
import { measureWindow } from '../lib/measureWindow.ts';
import { type RunContext, withTarget } from '../lib/RunContext.ts';
import { sleep } from '../lib/sleep.ts';
import { spread, type Spread } from '../lib/stats.ts';
import type { ServerKind } from '../servers/targets.ts';

/** One interleaved sample: one server, one subscriber count, one round. */
export interface FanoutSample {
  server: ServerKind;
  subscribers: number;
  round: number;
  deliveriesPerSec: number;
  updatesPerSec: number;
  serverCpuShare: number;
  readerCpuShare: number;
  writerCpuShare: number;
  serverCpuUsPerDelivery: number;
  errors: number;
  readersLost: number;
  firstError?: string;
}

export interface FanoutResult {
  config: RunContext['config']['fanout'];
  samples: FanoutSample[];
  /** deliveries/s per server per subscriber count (median, min, max over rounds). */
  summary: Partial<Record<ServerKind, Record<string, Spread | null>>>;
  failures: string[];
}

/**
 * Deliveries/s at saturation: N readers in one client process, W writers in another posting as
 * fast as acks allow; deliveries = marked frames parsed by the readers per second over a fixed
 * window after warm-up. Servers interleaved per round: A B C, A B C; each server is started once
 * per round and measured at each N in ascending order.
 */
export async function runFanoutBench(ctx: RunContext): Promise<FanoutResult> {
  const cfg = ctx.config.fanout;
  const samples: FanoutSample[] = [];
  const failures: string[] = [];
  const counts = [...cfg.subscribers].sort((a, b) => a - b);
  for (let round = 1; round <= ctx.config.rounds; round++) {
    for (const kind of ctx.kinds) {
      // One server start per round and server; readers are added as N grows (100, then 900 more).
      let pendingN = counts[0]!;
      try {
        await withTarget(ctx, kind, { separateWriters: true }, async ({ target, readers, writers, profilePid }) => {
          let open = 0;
          for (const n of counts) {
            pendingN = n;
            const connected = await readers.connect({ reader: target.reader, count: n - open, track: 'count' });
            if (connected.failed > 0)
              throw new Error(`${connected.failed}/${n - open} readers failed: ${connected.firstError}`);
            open = n;
            await writers.startLoad({ writer: target.writer, concurrency: cfg.writers });
            await sleep(cfg.warmupMs);
            const w = await measureWindow(readers, writers, target.server.pid, cfg.measureMs, profilePid);
            await writers.stopLoad();
            const sample: FanoutSample = {
              server: kind,
              subscribers: n,
              round,
              deliveriesPerSec: w.deliveriesPerSec,
              updatesPerSec: w.acksPerSec,
              serverCpuShare: w.serverCpuShare,
              readerCpuShare: w.readerCpuShare,
              writerCpuShare: w.writerCpuShare,
              serverCpuUsPerDelivery: w.serverCpuUsPerDelivery,
              errors: w.errors,
              readersLost: w.readersLost,
              firstError: w.firstError,
            };
            samples.push(sample);
            ctx.log(
              `fanout r${round} N=${n} ${kind}: ${fmt(sample.deliveriesPerSec)} deliveries/s ` +
                `(${fmt(sample.updatesPerSec)} updates/s); CPU server ${pct(sample.serverCpuShare)}, ` +
                `readers ${pct(sample.readerCpuShare)}, writers ${pct(sample.writerCpuShare)}` +
                (sample.errors > 0 ? `; ${sample.errors} errors (${sample.firstError})` : '') +
                (sample.readersLost > 0 ? `; ${sample.readersLost} readers lost` : ''),
            );
            // Let the last frames of the window drain before more readers connect.
            await sleep(300);
          }
        });
      } catch (error) {
        failures.push(`fanout r${round} N=${pendingN} ${kind}: ${String(error)}`);
        ctx.log(`fanout r${round} N=${pendingN} ${kind}: FAILED ${String(error).split('\n')[0]}`);
      }
    }
  }
  const summary: FanoutResult['summary'] = {};
  for (const kind of ctx.kinds) {
    const perN: Record<string, Spread | null> = {};
    for (const n of cfg.subscribers) {
      perN[String(n)] = spread(
        samples.filter((s) => s.server === kind && s.subscribers === n).map((s) => s.deliveriesPerSec),
      );
    }
    summary[kind] = perN;
  }
  return { config: cfg, samples, summary, failures };
}
