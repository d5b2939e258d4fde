import type { LatencyStats } from '../client/protocol.ts';
import { fmt, pct } from '../lib/format.ts';
import { measureWindow } from '../lib/measureWindow.ts';
import { type RunContext, withTarget } from '../lib/RunContext.ts';
import { sleep } from '../lib/sleep.ts';
import { spread, type Spread } from '../lib/stats.ts';
import type { ServerKind } from '../servers/targets.ts';

/** One offered-rate step of the peak search. */
export interface LatencyStep {
  offeredPerSec: number;
  /** min(acks/s, deliveries/s ÷ N): updates that made it to every reader. */
  achievedPerSec: number;
  keptUp: boolean;
  p50: number;
  p99: number;
  serverCpuShare: number;
  clientCpuShare: number;
}

/** One interleaved sample at the chosen offered rate. */
export interface LatencySample {
  server: ServerKind;
  round: number;
  offeredPerSec: number;
  achievedPerSec: number;
  keptUp: boolean;
  stats: LatencyStats;
  serverCpuShare: number;
  clientCpuShare: number;
  errors: number;
}

export interface LatencyResult {
  config: RunContext['config']['latency'];
  /** The server whose peak sets the offered rate (Easel when measured, as the targets say). */
  reference: ServerKind;
  steps: LatencyStep[];
  peakPerSec: number;
  offeredPerSec: number;
  samples: LatencySample[];
  summary: Partial<Record<ServerKind, { p50: Spread | null; p99: Spread | null }>>;
  failures: string[];
}

/** Steps the offered rate on `kind` (open loop) until it no longer keeps up; pushes each step. */
async function stepRates(ctx: RunContext, kind: ServerKind, steps: LatencyStep[]): Promise<void> {
  const cfg = ctx.config.latency;
  const n = cfg.subscribers;
  await withTarget(ctx, kind, { separateWriters: false }, async ({ target, readers, profilePid }) => {
    const connected = await readers.connect({ reader: target.reader, count: n, track: 'latency' });
    if (connected.failed > 0) throw new Error(`${connected.failed}/${n} readers failed: ${connected.firstError}`);
    for (let rate = cfg.stepStart; rate <= cfg.stepMax; rate = Math.round(rate * cfg.stepFactor)) {
      await readers.startLoad({ writer: target.writer, concurrency: cfg.maxInFlight, ratePerSec: rate });
      await sleep(cfg.stepWarmupMs);
      await readers.latency(true);
      const w = await measureWindow(readers, readers, target.server.pid, cfg.stepMeasureMs, profilePid);
      const stats = await readers.latency(true);
      await readers.stopLoad();
      const achieved = Math.min(w.acksPerSec, w.deliveriesPerSec / n);
      const keptUp = achieved >= 0.9 * rate && w.errors === 0;
      steps.push({
        offeredPerSec: rate,
        achievedPerSec: achieved,
        keptUp,
        p50: stats.p50,
        p99: stats.p99,
        serverCpuShare: w.serverCpuShare,
        clientCpuShare: w.readerCpuShare,
      });
      ctx.log(
        `latency step ${kind} ${fmt(rate)}/s offered: ${fmt(achieved)}/s achieved, p50 ${stats.p50.toFixed(1)} ms, ` +
          `p99 ${stats.p99.toFixed(1)} ms; CPU server ${pct(w.serverCpuShare)}, client ${pct(w.readerCpuShare)}` +
          (w.errors > 0 ? `; ${w.errors} errors (${w.firstError})` : ''),
      );
      if (!keptUp) break;
      await sleep(200);
    }
  });
}

/**
 * Latency from "writer issues the command" to "the last of N readers parsed the event", with the
 * writer and the readers in one client process (one monotonic clock). First the reference server's
 * peak is found by stepping the offered rate (open loop); then every server is measured at half of
 * that peak, interleaved per round.
 */
export async function runLatencyBench(ctx: RunContext): Promise<LatencyResult> {
  const cfg = ctx.config.latency;
  const n = cfg.subscribers;
  const failures: string[] = [];
  // Easel's peak sets the rate (the targets compare at half of it); if Easel cannot be stepped,
  // the next server's peak is used instead, and the result says so.
  const candidates: ServerKind[] = ctx.kinds.includes('easel')
    ? ['easel', ...ctx.kinds.filter((k) => k !== 'easel')]
    : [...ctx.kinds];
  let reference: ServerKind = candidates[0]!;
  const steps: LatencyStep[] = [];
  for (const candidate of candidates) {
    reference = candidate;
    steps.length = 0;
    try {
      await stepRates(ctx, candidate, steps);
      if (steps.length > 0) break;
    } catch (error) {
      failures.push(`latency steps ${candidate}: ${String(error)}`);
      ctx.log(`latency steps ${candidate}: FAILED ${String(error).split('\n')[0]}`);
    }
  }
  if (steps.length === 0) {
    ctx.log('latency: no server could be stepped; skipping the latency measurement');
    return { config: cfg, reference, steps, peakPerSec: 0, offeredPerSec: 0, samples: [], summary: {}, failures };
  }
  const peakPerSec = Math.max(0, ...steps.map((s) => s.achievedPerSec));
  const offeredPerSec = Math.max(10, Math.round(peakPerSec / 2));
  ctx.log(
    `latency: peak of ${reference} ≈ ${fmt(peakPerSec)} updates/s; measuring every server at ${fmt(offeredPerSec)}/s`,
  );

  const samples: LatencySample[] = [];
  for (let round = 1; round <= ctx.config.rounds; round++) {
    for (const kind of ctx.kinds) {
      try {
        const sample = await withTarget(
          ctx,
          kind,
          { separateWriters: false },
          async ({ target, readers, profilePid }) => {
            const connected = await readers.connect({ reader: target.reader, count: n, track: 'latency' });
            if (connected.failed > 0)
              throw new Error(`${connected.failed}/${n} readers failed: ${connected.firstError}`);
            await readers.startLoad({ writer: target.writer, concurrency: cfg.maxInFlight, ratePerSec: offeredPerSec });
            await sleep(cfg.warmupMs);
            await readers.latency(true);
            const w = await measureWindow(readers, readers, target.server.pid, cfg.measureMs, profilePid);
            const stats = await readers.latency(true);
            await readers.stopLoad();
            const achieved = Math.min(w.acksPerSec, w.deliveriesPerSec / n);
            return {
              server: kind,
              round,
              offeredPerSec,
              achievedPerSec: achieved,
              keptUp: achieved >= 0.9 * offeredPerSec && w.errors === 0,
              stats,
              serverCpuShare: w.serverCpuShare,
              clientCpuShare: w.readerCpuShare,
              errors: w.errors,
            } satisfies LatencySample;
          },
        );
        samples.push(sample);
        ctx.log(
          `latency r${round} ${kind} @ ${fmt(offeredPerSec)}/s: p50 ${sample.stats.p50.toFixed(2)} ms, p99 ${sample.stats.p99.toFixed(2)} ms` +
            ` (${sample.stats.complete} updates${sample.keptUp ? '' : `, did NOT keep up: ${fmt(sample.achievedPerSec)}/s`})`,
        );
      } catch (error) {
        failures.push(`latency r${round} ${kind}: ${String(error)}`);
        ctx.log(`latency r${round} ${kind}: FAILED ${String(error).split('\n')[0]}`);
      }
    }
  }
  const summary: LatencyResult['summary'] = {};
  for (const kind of ctx.kinds) {
    const mine = samples.filter((s) => s.server === kind);
    summary[kind] = { p50: spread(mine.map((s) => s.stats.p50)), p99: spread(mine.map((s) => s.stats.p99)) };
  }
  return { config: cfg, reference, steps, peakPerSec, offeredPerSec, samples, summary, failures };
}
