import type { AgentsResult } from '../agents/AgentsResult.ts';
import type { AppendsResult } from '../appends/appendsBench.ts';
import type { BrowserResult } from '../browser/BrowserResult.ts';
import type { CpuResult } from '../cpu/cpuBench.ts';
import type { FanoutResult } from '../fanout/fanoutBench.ts';
import type { LatencyResult } from '../latency/latencyBench.ts';
import type { MemoryResult } from '../memory/memoryBench.ts';
import type { PluginsResult } from '../plugins/PluginsResult.ts';
import type { PresenceResult } from '../presence/PresenceResult.ts';
import type { ScaleoutResult } from '../scaleout/ScaleoutResult.ts';
import type { ServerKind } from '../servers/targets.ts';
import type { StormResult } from '../storm/StormResult.ts';

/** Everything one `pnpm bench` run wrote to `bench/results/<timestamp>.json`. */
export interface BenchResults {
  version: 1;
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  rounds: number;
  environment: { node: string; cpus: number; cpuModel: string; loadAverageAtStart: number[]; openFileLimit: number };
  servers: ServerKind[];
  /** Servers that could not be measured and why (e.g. Easel before its CLI existed). */
  skipped: Array<{ server?: ServerKind; bench?: string; reason: string }>;
  fanout?: FanoutResult;
  latency?: LatencyResult;
  cpu?: CpuResult;
  memory?: MemoryResult;
  appends?: AppendsResult;
  /** One Easel node vs two on PostgreSQL + Redis (`src/scaleout/`). */
  scaleout?: ScaleoutResult;
  /** Awareness fan-out, Easel vs plain Hocuspocus (`src/presence/`). */
  presence?: PresenceResult;
  /** Plugin call overhead and crash → ready through the real plugin host (`src/plugins/`). */
  plugins?: PluginsResult;
  /** Chromium: 10k-block snapshot → interactive, edit → paint, bundle sizes (`src/browser/`). */
  browser?: BrowserResult;
  /** chat.send → turn_accepted latency and chat_token fan-out (`src/agents/`). */
  agents?: AgentsResult;
  /** 1000 subscribers resuming after kill -9 + restart (`src/storm/`). */
  storm?: StormResult;
  ratios: Ratio[];
}

/** One headline ratio of medians with its target. */
export interface Ratio {
  id: string;
  /** What is divided by what, in words. */
  label: string;
  /** Median(Easel) ÷ median(baseline); null when either is missing. */
  value: number | null;
  /** Ratio of the per-round pairs (interleaved rounds), min–max; null with fewer than 2 rounds. */
  pairRange: [number, number] | null;
  /** `>=` or `<=` against `target` (the issue floor); `goal` when the goal is stricter. */
  direction: '>=' | '<=';
  target: number | null;
  goal?: number;
  /** Met the target (null: no target or no value). */
  met: boolean | null;
  note?: string;
  /** Set when `value` is an absolute figure in this unit (e.g. `ms`), not a ratio; the chart leaves it out. */
  unit?: string;
}
