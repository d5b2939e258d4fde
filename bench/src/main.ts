/**
 * `pnpm bench [name...] [--quick]`: Easel against raw SSE and Hocuspocus in one run, interleaved,
 * each server in its own process and the load in separate client processes. Writes
 * bench/results/<timestamp>.json, latest.json, latest.md and latest.svg. See bench/README.md.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAgentsBench } from './agents/agentsBench.ts';
import { runAppendsBench } from './appends/appendsBench.ts';
import { runBrowserBench } from './browser/runBrowserBench.ts';
import { parseArgs, USAGE } from './cli/parseArgs.ts';
import { runCpuBench } from './cpu/cpuBench.ts';
import { runFanoutBench } from './fanout/fanoutBench.ts';
import { FULL_CONFIG, QUICK_CONFIG } from './lib/BenchConfig.ts';
import { readOpenFileLimit } from './lib/procStats.ts';
import type { RunContext } from './lib/RunContext.ts';
import { runLatencyBench } from './latency/latencyBench.ts';
import { runMemoryBench } from './memory/memoryBench.ts';
import { formatProfileSummary, summarizeProfile } from './profile/summarizeProfile.ts';
import type { BenchResults } from './report/BenchResults.ts';
import { computeRatios } from './report/computeRatios.ts';
import { renderMarkdown } from './report/renderMarkdown.ts';
import { renderSvg } from './report/renderSvg.ts';
import { runPluginsBench } from './plugins/pluginsBench.ts';
import { runPresenceBench } from './presence/presenceBench.ts';
import { runScaleoutBench } from './scaleout/scaleoutBench.ts';
import { runStormBench } from './storm/stormBench.ts';
import { easelAvailable, type ServerKind, startTarget } from './servers/targets.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS_DIR = join(REPO_ROOT, 'bench/results');
const PROFILES_DIR = join(RESULTS_DIR, 'profiles');

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

const parsed = parseArgs(process.argv.slice(2));
if (!parsed.ok) {
  console.error(`${parsed.error}\n\n${USAGE}`);
  process.exit(2);
}
const args = parsed.value;
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

const base = args.quick ? QUICK_CONFIG : FULL_CONFIG;
const config = { ...base, rounds: args.rounds ?? base.rounds };
const startedAt = new Date();
const t0 = performance.now();
const log = (message: string): void => {
  console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${message}`);
};

const skipped: BenchResults['skipped'] = [];
const kinds: ServerKind[] = [];
const needsServers = args.names.some((n) => n !== 'appends' && n !== 'plugins' && n !== 'browser');
for (const kind of args.servers) {
  if (kind !== 'easel' || !needsServers) {
    kinds.push(kind);
    continue;
  }
  if (!easelAvailable(REPO_ROOT)) {
    skipped.push({ server: 'easel', reason: 'gateway/src/cli.ts does not exist yet (`pnpm easel serve` unavailable)' });
    continue;
  }
  try {
    const probe = await startTarget('easel', { repoRoot: REPO_ROOT });
    log(`easel: serve works (canvas type ${String(probe.notes.canvas_type)})`);
    await probe.stop();
    kinds.push(kind);
  } catch (error) {
    skipped.push({ server: 'easel', reason: `easel serve failed to start or set up: ${String(error).slice(0, 2000)}` });
    log(`easel: SKIPPED — ${String(error).split('\n')[0]}`);
  }
}

if (args.profileEasel) mkdirSync(PROFILES_DIR, { recursive: true });
const ctx: RunContext = {
  repoRoot: REPO_ROOT,
  config,
  kinds,
  ...(args.profileEasel ? { profile: { dir: PROFILES_DIR } } : {}),
  log,
};
log(
  `pnpm bench ${args.names.join(' ')}${args.quick ? ' --quick' : ''}: servers ${kinds.join(', ')}, ${config.rounds} round(s)`,
);

const results: BenchResults = {
  version: 1,
  startedAt: startedAt.toISOString(),
  finishedAt: '',
  quick: config.quick,
  rounds: config.rounds,
  environment: {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverageAtStart: loadavg(),
    openFileLimit: readOpenFileLimit(),
  },
  servers: kinds,
  skipped,
  ratios: [],
};

for (const name of args.names) {
  log(`— ${name} —`);
  if (name !== 'appends' && name !== 'scaleout' && name !== 'plugins' && name !== 'browser' && kinds.length === 0) {
    skipped.push({ bench: name, reason: 'no server to measure' });
    continue;
  }
  if (name === 'fanout') results.fanout = await runFanoutBench(ctx);
  else if (name === 'latency') results.latency = await runLatencyBench(ctx);
  else if (name === 'cpu') results.cpu = await runCpuBench(ctx);
  else if (name === 'memory') results.memory = await runMemoryBench(ctx);
  else if (name === 'presence') results.presence = await runPresenceBench(ctx);
  else if (name === 'agents') results.agents = await runAgentsBench(ctx);
  else if (name === 'storm') {
    if (kinds.includes('easel')) results.storm = await runStormBench(ctx);
    else skipped.push({ bench: 'storm', reason: 'easel is not among the servers measured' });
  } else if (name === 'plugins') results.plugins = await runPluginsBench({ quick: config.quick, log });
  else if (name === 'browser') results.browser = await runBrowserBench({ quick: config.quick, log });
  else if (name === 'scaleout') {
    // Skipped with a note (never failing the run) when PostgreSQL or Redis is unreachable.
    const outcome = args.servers.includes('easel')
      ? await runScaleoutBench(ctx)
      : { ok: false as const, error: 'easel is not among --servers' };
    if (outcome.ok) results.scaleout = outcome.value;
    else skipped.push({ bench: 'scaleout', reason: outcome.error });
  } else if (name === 'appends') {
    try {
      results.appends = await runAppendsBench(config.quick ? { rounds: 1, variantMs: 700, warmupMs: 200 } : {});
      for (const check of results.appends.checks) {
        log(
          `appends ${check.name}: ${check.value === null ? 'n/a' : Math.round(check.value)} (target ${check.target}) ${check.met ? 'met' : 'MISSED'}`,
        );
      }
    } catch (error) {
      skipped.push({ bench: 'appends', reason: String(error).slice(0, 2000) });
      log(`appends: FAILED ${String(error).split('\n')[0]}`);
    }
  }
}

results.finishedAt = new Date().toISOString();
results.ratios = computeRatios(results);

mkdirSync(RESULTS_DIR, { recursive: true });
const stamp = results.startedAt.replace(/[:.]/g, '-');
const json = `${JSON.stringify(results, null, 2)}\n`;
writeFileSync(join(RESULTS_DIR, `${stamp}.json`), json);
writeFileSync(join(RESULTS_DIR, 'latest.json'), json);
const markdown = renderMarkdown(results);
writeFileSync(join(RESULTS_DIR, 'latest.md'), markdown);
writeFileSync(join(RESULTS_DIR, 'latest.svg'), renderSvg(results));

if (args.profileEasel) {
  const since = startedAt.getTime();
  const files = readdirSync(PROFILES_DIR)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(PROFILES_DIR, f))
    .filter((f) => statSync(f).mtimeMs >= since);
  const lines: string[] = [];
  for (const file of files) {
    const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')));
    if (summary.total >= 200) lines.push(formatProfileSummary(file, summary));
  }
  writeFileSync(join(PROFILES_DIR, `summary-${stamp}.txt`), lines.join('\n'));
  log(`profiles: ${files.length} file(s); summary in bench/results/profiles/summary-${stamp}.txt`);
}

console.log(`\n${markdown}`);
log(`wrote bench/results/${stamp}.json, latest.json, latest.md, latest.svg`);
process.exit(0);
