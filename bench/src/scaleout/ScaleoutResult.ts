import type { LatencyStats } from '../client/protocol.ts';
import type { BenchConfig } from '../lib/BenchConfig.ts';
import type { Spread } from '../lib/stats.ts';
import type { LatencyStep } from '../latency/latencyBench.ts';

/** The two deployments compared, in the order every round runs them. */
export const TOPOLOGIES = ['oneNode', 'twoNodes'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

/** Gateway processes per topology. */
export const TOPOLOGY_NODES: Record<Topology, number> = { oneNode: 1, twoNodes: 2 };

/** For tables. */
export const TOPOLOGY_LABELS: Record<Topology, string> = {
  oneNode: 'one node (PG + Redis)',
  twoNodes: 'two nodes (PG + Redis)',
};

/** One fan-out sample at saturation. */
export interface ScaleoutFanoutSample {
  topology: Topology;
  subscribers: number;
  /** Subscribers on each node, node A first. */
  subscribersPerNode: number[];
  round: number;
  deliveriesPerSec: number;
  updatesPerSec: number;
  /** CPU of each gateway process, share of one core, node A first. */
  nodeCpuShares: number[];
  readerCpuShare: number;
  writerCpuShare: number;
  errors: number;
  readersLost: number;
  firstError?: string;
}

/** One latency sample at the fixed offered rate. */
export interface ScaleoutLatencySample {
  topology: Topology;
  round: number;
  subscribersPerNode: number[];
  offeredPerSec: number;
  /** min(acks/s, deliveries/s ÷ N): updates that made it to every subscriber. */
  achievedPerSec: number;
  keptUp: boolean;
  stats: LatencyStats;
  nodeCpuShares: number[];
  clientCpuShare: number;
  errors: number;
}

/** What `pnpm bench scaleout` measured (`BenchResults.scaleout`). */
export interface ScaleoutResult {
  /** The fan-out and latency settings of the run, reused as they are. */
  config: { fanout: BenchConfig['fanout']; latency: BenchConfig['latency'] };
  /** Engine URLs (password masked); each cluster had its own schema (dropped after) and Redis prefix. */
  engines: { postgres: string; redis: string };
  /** The one-node peak search (open loop, N = latency subscribers on node A). */
  steps: LatencyStep[];
  peakPerSec: number;
  /** Half the one-node peak: the rate both topologies are measured at. */
  offeredPerSec: number;
  fanoutSamples: ScaleoutFanoutSample[];
  latencySamples: ScaleoutLatencySample[];
  summary: {
    /** deliveries/s per topology per subscriber count (median, min, max over rounds). */
    fanout: Record<Topology, Record<string, Spread | null>>;
    latency: Record<Topology, { p50: Spread | null; p99: Spread | null }>;
  };
  failures: string[];
}
