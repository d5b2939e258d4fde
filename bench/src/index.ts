/** `@easel/bench`: the sub-benchmarks behind `pnpm bench` (see bench/README.md), for scripts that run one alone. */
export { runCpuBench } from './cpu/cpuBench.ts';
export { runFanoutBench } from './fanout/fanoutBench.ts';
export { runLatencyBench } from './latency/latencyBench.ts';
export { type BenchConfig, FULL_CONFIG, QUICK_CONFIG } from './lib/BenchConfig.ts';
export type { RunContext } from './lib/RunContext.ts';
export { runMemoryBench } from './memory/memoryBench.ts';
export type { BenchResults, Ratio } from './report/BenchResults.ts';
export { computeRatios } from './report/computeRatios.ts';
export { renderMarkdown } from './report/renderMarkdown.ts';
export { renderSvg } from './report/renderSvg.ts';
export { SERVER_KINDS, type ServerKind } from './servers/targets.ts';
