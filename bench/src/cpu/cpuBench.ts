import { fmt, pct } from '../lib/format.ts';
import { measureWindow } from '../lib/measureWindow.ts';
import { type RunContext, withTarget } from '../lib/RunContext.ts';
import { sleep } from '../lib/sleep.ts';
import { spread, type Spread } from '../lib/stats.ts';
import type { ServerKind } from '../servers/targets.ts';

/** One server at one offered rate in one round. */
export interface CpuSample {
  server: ServerKind;
  round: number;
  offeredPerSec: number;
  deliveriesPerSec: number;
  /** The server delivered ≥ 95 % of offered × N (the rate was matched). */
  matched: boolean;
  serverCpuShare: number;
  serverCpuUsPerDelivery: number;
  readerCpuShare: number;
}

export interface CpuResult {
  config: RunContext['config']['cpu'];
  samples: CpuSample[];
  /** Server CPU µs per delivery per server per offered rate. */
  summary: Partial<Record<ServerKind, Record<string, Spread | null>>>;
  failures: string[];
}

/**
 * Server CPU per delivery at matched rates: N readers, writers offering fixed update rates (open
 * loop); CPU = utime + stime of the server process from /proc over the window ÷ deliveries.
 */
export async function runCpuBench(ctx: RunContext): Promise<CpuResult> {
  const cfg = ctx.config.cpu;
  const n = cfg.subscribers;
  const samples: CpuSample[] = [];
  const failures: string[] = [];
  for (let round = 1; round <= cfg.rounds; round++) {
    for (const kind of ctx.kinds) {
      try {
        await withTarget(ctx, kind, { separateWriters: true }, async ({ target, readers, writers, profilePid }) => {
          const connected = await readers.connect({ reader: target.reader, count: n, track: 'count' });
          if (connected.failed > 0) throw new Error(`${connected.failed}/${n} readers failed: ${connected.firstError}`);
          for (const rate of cfg.rates) {
            await writers.startLoad({ writer: target.writer, concurrency: cfg.maxInFlight, ratePerSec: rate });
            await sleep(cfg.warmupMs);
            const w = await measureWindow(readers, writers, target.server.pid, cfg.measureMs, profilePid);
            await writers.stopLoad();
            const sample: CpuSample = {
              server: kind,
              round,
              offeredPerSec: rate,
              deliveriesPerSec: w.deliveriesPerSec,
              matched: w.deliveriesPerSec >= 0.95 * rate * n && w.errors === 0,
              serverCpuShare: w.serverCpuShare,
              serverCpuUsPerDelivery: w.serverCpuUsPerDelivery,
              readerCpuShare: w.readerCpuShare,
            };
            samples.push(sample);
            ctx.log(
              `cpu r${round} ${kind} @ ${rate}/s × ${n}: ${sample.serverCpuUsPerDelivery.toFixed(2)} µs/delivery, ` +
                `server ${pct(sample.serverCpuShare)}, ${fmt(sample.deliveriesPerSec)} deliveries/s` +
                (sample.matched ? '' : ' (rate NOT matched)'),
            );
            await sleep(300);
          }
        });
      } catch (error) {
        failures.push(`cpu r${round} ${kind}: ${String(error)}`);
        ctx.log(`cpu r${round} ${kind}: FAILED ${String(error).split('\n')[0]}`);
      }
    }
  }
  const summary: CpuResult['summary'] = {};
  for (const kind of ctx.kinds) {
    const perRate: Record<string, Spread | null> = {};
    for (const rate of cfg.rates) {
      perRate[String(rate)] = spread(
        samples.filter((s) => s.server === kind && s.offeredPerSec === rate).map((s) => s.serverCpuUsPerDelivery),
      );
    }
    summary[kind] = perRate;
  }
  return { config: cfg, samples, summary, failures };
}
