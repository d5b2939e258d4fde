import type { LatencyStats } from '../client/protocol.ts';
import { fmt, pct } from '../lib/format.ts';
import type { RunContext } from '../lib/RunContext.ts';
import { sleep } from '../lib/sleep.ts';
import type { LatencyStep } from '../latency/latencyBench.ts';
import { easelAvailable } from '../servers/targets.ts';
import { type Outcome, probePostgres, redactUrl, sweepStaleBenchSchemas } from './benchDatabase.ts';
import { type NodesWindow, measureNodes } from './measureNodes.ts';
import { probeRedis } from './probeRedis.ts';
import { type ClusterRig, type EngineUrls, withCluster } from './ScaleoutCluster.ts';
import {
  type ScaleoutFanoutSample,
  type ScaleoutLatencySample,
  type ScaleoutResult,
  TOPOLOGIES,
  TOPOLOGY_NODES,
  type Topology,
} from './ScaleoutResult.ts';
import { splitEvenly } from './splitEvenly.ts';
import { summarizeScaleout, totalNodeCpu } from './summarizeScaleout.ts';

/** Default engines: the machine's PostgreSQL (trust auth, database `test`) and Redis. */
export const DEFAULT_ENGINES: EngineUrls = {
  postgres: 'postgres://postgres@127.0.0.1:5432/test',
  redis: 'redis://127.0.0.1:6379',
};

/** Engine URLs: `EASEL_BENCH_POSTGRES_URL` (else `EASEL_TEST_POSTGRES_URL`) and `EASEL_BENCH_REDIS_URL`, else the defaults. */
export function scaleoutEngineUrls(env: NodeJS.ProcessEnv = process.env): EngineUrls {
  return {
    postgres: env.EASEL_BENCH_POSTGRES_URL || env.EASEL_TEST_POSTGRES_URL || DEFAULT_ENGINES.postgres,
    redis: env.EASEL_BENCH_REDIS_URL || DEFAULT_ENGINES.redis,
  };
}

const LABEL: Record<Topology, string> = { oneNode: '1 node', twoNodes: '2 nodes' };

/** Shared by every sample of one run. */
interface Run {
  ctx: RunContext;
  engines: EngineUrls;
  failures: string[];
}

function clusterOptions(run: Run, topology: Topology, separateWriters: boolean) {
  return {
    repoRoot: run.ctx.repoRoot,
    engines: run.engines,
    nodes: TOPOLOGY_NODES[topology],
    separateWriters,
    onDropError: (error: string) => {
      run.failures.push(`scaleout: could not drop a bench schema: ${error}`);
      run.ctx.log(`scaleout: could not drop a bench schema: ${error.split('\n')[0]}`);
    },
  };
}

/** Opens `total` more readers split evenly over the nodes (`open[i]` already on node i); updates `open`. */
async function connectSplit(
  rig: ClusterRig,
  open: number[],
  total: number,
  track: 'count' | 'latency',
): Promise<number[]> {
  const wanted = splitEvenly(total, rig.cluster.nodes.length);
  for (let i = 0; i < wanted.length; i++) {
    const count = wanted[i]! - (open[i] ?? 0);
    if (count <= 0) continue;
    const connected = await rig.readers.connect({
      reader: rig.cluster.readers[i]!,
      count,
      track,
      ...(track === 'latency' ? { expectedReaders: total } : {}),
    });
    if (connected.failed > 0)
      throw new Error(
        `${connected.failed}/${count} readers on ${rig.cluster.nodes[i]!.label} failed: ${connected.firstError}`,
      );
    open[i] = wanted[i]!;
  }
  return wanted;
}

/** One server start per round and topology, measured at each N ascending (readers are added). */
async function fanoutRound(
  run: Run,
  topology: Topology,
  round: number,
  samples: ScaleoutFanoutSample[],
): Promise<void> {
  const cfg = run.ctx.config.fanout;
  const counts = [...cfg.subscribers].sort((a, b) => a - b);
  let pendingN = counts[0]!;
  try {
    await withCluster(clusterOptions(run, topology, true), async (rig) => {
      const open: number[] = [];
      const pids = rig.cluster.nodes.map((n) => n.pid);
      for (const n of counts) {
        pendingN = n;
        const perNode = await connectSplit(rig, open, n, 'count');
        await rig.writers.startLoad({ writer: rig.cluster.writer, concurrency: cfg.writers });
        await sleep(cfg.warmupMs);
        const w = await measureNodes(rig.readers, rig.writers, pids, cfg.measureMs);
        await rig.writers.stopLoad();
        const sample: ScaleoutFanoutSample = {
          topology,
          subscribers: n,
          subscribersPerNode: perNode,
          round,
          deliveriesPerSec: w.deliveriesPerSec,
          updatesPerSec: w.acksPerSec,
          nodeCpuShares: w.nodeCpuShares,
          readerCpuShare: w.readerCpuShare,
          writerCpuShare: w.writerCpuShare,
          errors: w.errors,
          readersLost: w.readersLost,
          ...(w.firstError === undefined ? {} : { firstError: w.firstError }),
        };
        samples.push(sample);
        run.ctx.log(
          `scaleout fanout r${round} N=${n} ${LABEL[topology]} (${perNode.join('+')}): ${fmt(sample.deliveriesPerSec)} deliveries/s ` +
            `(${fmt(sample.updatesPerSec)} updates/s); CPU nodes ${sample.nodeCpuShares.map(pct).join(' + ')}, ` +
            `readers ${pct(sample.readerCpuShare)}, writers ${pct(sample.writerCpuShare)}` +
            (sample.errors > 0 ? `; ${sample.errors} errors (${sample.firstError})` : '') +
            (sample.readersLost > 0 ? `; ${sample.readersLost} readers lost` : ''),
        );
        // Let the last frames of the window drain before more readers connect.
        await sleep(300);
      }
    });
  } catch (error) {
    run.failures.push(`scaleout fanout r${round} N=${pendingN} ${LABEL[topology]}: ${String(error)}`);
    run.ctx.log(`scaleout fanout r${round} N=${pendingN} ${LABEL[topology]}: FAILED ${String(error).split('\n')[0]}`);
  }
}

interface LatencyWindow {
  w: NodesWindow;
  stats: LatencyStats;
  achieved: number;
  keptUp: boolean;
}

/** Open loop at `rate` from the readers' own process, then send → last-reader latency over one window. */
async function latencyAt(run: Run, rig: ClusterRig, n: number, rate: number, warmupMs: number, measureMs: number) {
  const cfg = run.ctx.config.latency;
  await rig.readers.startLoad({ writer: rig.cluster.writer, concurrency: cfg.maxInFlight, ratePerSec: rate });
  await sleep(warmupMs);
  await rig.readers.latency(true);
  const pids = rig.cluster.nodes.map((node) => node.pid);
  const w = await measureNodes(rig.readers, rig.readers, pids, measureMs);
  const stats = await rig.readers.latency(true);
  await rig.readers.stopLoad();
  const achieved = Math.min(w.acksPerSec, w.deliveriesPerSec / n);
  return { w, stats, achieved, keptUp: achieved >= 0.9 * rate && w.errors === 0 } satisfies LatencyWindow;
}

/** The one-node peak, as latencyBench finds Easel's: step the offered rate until it no longer keeps up. */
async function stepOneNode(run: Run, steps: LatencyStep[]): Promise<void> {
  const cfg = run.ctx.config.latency;
  const n = cfg.subscribers;
  await withCluster(clusterOptions(run, 'oneNode', false), async (rig) => {
    await connectSplit(rig, [], n, 'latency');
    for (let rate = cfg.stepStart; rate <= cfg.stepMax; rate = Math.round(rate * cfg.stepFactor)) {
      const { w, stats, achieved, keptUp } = await latencyAt(run, rig, n, rate, cfg.stepWarmupMs, cfg.stepMeasureMs);
      steps.push({
        offeredPerSec: rate,
        achievedPerSec: achieved,
        keptUp,
        p50: stats.p50,
        p99: stats.p99,
        serverCpuShare: w.serverCpuShare,
        clientCpuShare: w.readerCpuShare,
      });
      run.ctx.log(
        `scaleout latency step 1 node ${fmt(rate)}/s offered: ${fmt(achieved)}/s achieved, p50 ${stats.p50.toFixed(1)} ms, ` +
          `p99 ${stats.p99.toFixed(1)} ms; CPU node ${pct(w.serverCpuShare)}, client ${pct(w.readerCpuShare)}` +
          (w.errors > 0 ? `; ${w.errors} errors (${w.firstError})` : ''),
      );
      if (!keptUp) break;
      await sleep(200);
    }
  });
}

async function latencySample(
  run: Run,
  topology: Topology,
  round: number,
  offeredPerSec: number,
  samples: ScaleoutLatencySample[],
): Promise<void> {
  const cfg = run.ctx.config.latency;
  const n = cfg.subscribers;
  try {
    const sample = await withCluster(clusterOptions(run, topology, false), async (rig) => {
      const perNode = await connectSplit(rig, [], n, 'latency');
      const { w, stats, achieved, keptUp } = await latencyAt(run, rig, n, offeredPerSec, cfg.warmupMs, cfg.measureMs);
      return {
        topology,
        round,
        subscribersPerNode: perNode,
        offeredPerSec,
        achievedPerSec: achieved,
        keptUp,
        stats,
        nodeCpuShares: w.nodeCpuShares,
        clientCpuShare: w.readerCpuShare,
        errors: w.errors,
      } satisfies ScaleoutLatencySample;
    });
    samples.push(sample);
    run.ctx.log(
      `scaleout latency r${round} ${LABEL[topology]} (${sample.subscribersPerNode.join('+')}) @ ${fmt(offeredPerSec)}/s: ` +
        `p50 ${sample.stats.p50.toFixed(2)} ms, p99 ${sample.stats.p99.toFixed(2)} ms (${sample.stats.complete} updates; ` +
        `CPU nodes ${pct(totalNodeCpu(sample))}${sample.keptUp ? '' : `; did NOT keep up: ${fmt(sample.achievedPerSec)}/s`})`,
    );
  } catch (error) {
    run.failures.push(`scaleout latency r${round} ${LABEL[topology]}: ${String(error)}`);
    run.ctx.log(`scaleout latency r${round} ${LABEL[topology]}: FAILED ${String(error).split('\n')[0]}`);
  }
}

/**
 * `pnpm bench scaleout`: Easel on PostgreSQL + Redis as one gateway process and as two (writers on
 * node A, subscribers half on A and half on B), interleaved per round, on the fan-out and latency
 * settings of the run: deliveries/s at saturation for each N, then send → last-subscriber latency
 * at half the one-node peak. `{ok: false}` (the bench is skipped, with the reason logged) when the
 * gateway CLI, PostgreSQL or Redis is missing, or on any unexpected error; never throws.
 */
export async function runScaleoutBench(ctx: RunContext): Promise<Outcome<ScaleoutResult>> {
  let outcome: Outcome<ScaleoutResult>;
  try {
    outcome = await measureScaleout(ctx);
  } catch (error) {
    outcome = { ok: false, error: `unexpected error: ${String(error).slice(0, 2000)}` };
  }
  if (!outcome.ok) ctx.log(`scaleout: SKIPPED — ${outcome.error.split('\n')[0]}`);
  return outcome;
}

async function measureScaleout(ctx: RunContext): Promise<Outcome<ScaleoutResult>> {
  if (!easelAvailable(ctx.repoRoot))
    return { ok: false, error: 'gateway/src/cli.ts does not exist yet (`pnpm easel serve` unavailable)' };
  const engines = scaleoutEngineUrls();
  const [pgUp, redisUp] = await Promise.all([probePostgres(engines.postgres), probeRedis(engines.redis)]);
  const down = [pgUp, redisUp].flatMap((p) => (p.ok ? [] : [p.error]));
  if (down.length > 0) {
    return {
      ok: false,
      error:
        `${down.join('; ')}. The scale-out bench needs both (set EASEL_BENCH_POSTGRES_URL / EASEL_BENCH_REDIS_URL, ` +
        'or start the local services).',
    };
  }
  const swept = await sweepStaleBenchSchemas(engines.postgres);
  if (swept.ok && swept.value.length > 0)
    ctx.log(`scaleout: dropped ${swept.value.length} schema(s) left by killed runs: ${swept.value.join(', ')}`);

  const run: Run = { ctx, engines, failures: [] };
  const cfg = ctx.config;
  const fanoutSamples: ScaleoutFanoutSample[] = [];
  for (let round = 1; round <= cfg.rounds; round++)
    for (const topology of TOPOLOGIES) await fanoutRound(run, topology, round, fanoutSamples);

  const steps: LatencyStep[] = [];
  try {
    await stepOneNode(run, steps);
  } catch (error) {
    run.failures.push(`scaleout latency steps 1 node: ${String(error)}`);
    ctx.log(`scaleout latency steps 1 node: FAILED ${String(error).split('\n')[0]}`);
  }
  const peakPerSec = Math.max(0, ...steps.map((s) => s.achievedPerSec));
  const offeredPerSec = steps.length === 0 ? 0 : Math.max(10, Math.round(peakPerSec / 2));
  const latencySamples: ScaleoutLatencySample[] = [];
  if (steps.length > 0) {
    ctx.log(`scaleout latency: 1-node peak ≈ ${fmt(peakPerSec)} updates/s; measuring both at ${fmt(offeredPerSec)}/s`);
    for (let round = 1; round <= cfg.rounds; round++)
      for (const topology of TOPOLOGIES) await latencySample(run, topology, round, offeredPerSec, latencySamples);
  } else ctx.log('scaleout latency: the one node could not be stepped; no latency figures');

  return {
    ok: true,
    value: {
      config: { fanout: cfg.fanout, latency: cfg.latency },
      engines: { postgres: redactUrl(engines.postgres), redis: redactUrl(engines.redis) },
      steps,
      peakPerSec,
      offeredPerSec,
      fanoutSamples,
      latencySamples,
      summary: summarizeScaleout(cfg.fanout.subscribers, fanoutSamples, latencySamples),
      failures: run.failures,
    },
  };
}
