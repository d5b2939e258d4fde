import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startEaselTarget } from '../easel/easelTarget.ts';
import { signJwt } from '../easel/signJwt.ts';
import { fmt, pct } from '../lib/format.ts';
import { measureWindow } from '../lib/measureWindow.ts';
import { type RunContext, withTarget } from '../lib/RunContext.ts';
import { runWindowedClient } from '../lib/runWindowedClient.ts';
import { sleep } from '../lib/sleep.ts';
import {
  AGENTS_FULL,
  AGENTS_QUICK,
  type AgentsConfig,
  type AgentsResult,
  type AgentsRun,
  type AgentsSample,
} from './AgentsResult.ts';
import type { AgentsSpec } from './agentsWorker.ts';

const WORKER = fileURLToPath(new URL('./agentsWorker.ts', import.meta.url));
/** Runs the client process over one Easel sample; reads the gateway's CPU at the throughput window's edges. */
function runWorker(spec: AgentsSpec, serverPid: number, repoRoot: string): Promise<AgentsRun & { serverCpu: number }> {
  const c = spec.config;
  const timeoutMs =
    (c.latency.samples + c.latency.warmupSamples) * 2 * (c.latency.gapMs + 200) +
    c.throughput.warmupMs +
    c.throughput.measureMs +
    120_000;
  return runWindowedClient<AgentsSpec, AgentsRun>({
    script: WORKER,
    spec,
    serverPid,
    cwd: repoRoot,
    timeoutMs,
    label: 'agents client',
  });
}

/** One Easel sample: `easel serve` with the local model at the configured pace, a fresh canvas. */
async function measureEasel(ctx: RunContext, config: AgentsConfig): Promise<AgentsRun & { serverCpu: number }> {
  const secret = randomBytes(24).toString('hex');
  const easel = await startEaselTarget({
    repoRoot: ctx.repoRoot,
    secret,
    env: { EASEL_LOCAL_TOKEN_DELAY_MS: String(config.tokenDelayMs) },
  });
  try {
    const body = easel.writer.body;
    if (body.kind !== 'easel' || easel.reader.kind !== 'sse') throw new Error('the Easel target has no canvas scope');
    const bearer = (headers: Record<string, string> | undefined) =>
      (headers?.authorization ?? '').replace(/^Bearer /, '');
    const tenant = body.scope.tenant_id!;
    const spec: AgentsSpec = {
      baseUrl: easel.server.baseUrl,
      eventsUrl: easel.reader.url,
      viewerToken: bearer(easel.reader.headers),
      scope: body.scope,
      tokenId: body.tokenIds[0]!,
      latencyToken: bearer(easel.writer.headers),
      turnTokens: Array.from({ length: config.throughput.turns }, (_, k) =>
        signJwt({ sub: `bench-agent-${k}`, tenant_id: tenant, kind: 'agent', roles: ['editor'] }, secret),
      ),
      config,
    };
    return await runWorker(spec, easel.server.pid, ctx.repoRoot);
  } catch (error) {
    const output = easel.server.recentOutput();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}${output ? `\n--- easel output ---\n${output}` : ''}`,
    );
  } finally {
    await easel.stop();
  }
}

/** Raw SSE at saturation to the same number of subscribers (the fan-out bench's method and server). */
async function measureRaw(ctx: RunContext, config: AgentsConfig): Promise<NonNullable<AgentsSample['raw']>> {
  const cfg = config.throughput;
  return withTarget(ctx, 'raw', { separateWriters: true }, async ({ target, readers, writers }) => {
    const connected = await readers.connect({ reader: target.reader, count: cfg.subscribers, track: 'count' });
    if (connected.failed > 0) throw new Error(`${connected.failed} raw readers failed: ${connected.firstError}`);
    await writers.startLoad({ writer: target.writer, concurrency: cfg.rawWriters });
    await sleep(cfg.warmupMs);
    const w = await measureWindow(readers, writers, target.server.pid, cfg.measureMs);
    await writers.stopLoad();
    return {
      deliveriesPerSec: w.deliveriesPerSec,
      serverCpu: w.serverCpuShare,
      serverUsPerDelivery: w.serverCpuUsPerDelivery,
    };
  });
}

/**
 * Agents (issue 6): `chat.send` → `turn_accepted` latency against `token.set` → `token_patch` on
 * the same gateway in the same run, and chat_token fan-out to 100 SSE subscribers against raw SSE
 * at saturation (interleaved per round: raw, then Easel).
 */
export async function runAgentsBench(ctx: RunContext): Promise<AgentsResult> {
  const base = ctx.config.quick ? AGENTS_QUICK : AGENTS_FULL;
  const config: AgentsConfig = { ...base, rounds: ctx.config.rounds };
  const samples: AgentsSample[] = [];
  const failures: string[] = [];
  if (!ctx.kinds.includes('easel')) {
    failures.push('agents: easel is not among the servers measured');
    return { config, samples, failures };
  }
  for (let round = 1; round <= config.rounds; round++) {
    let raw: AgentsSample['raw'] = null;
    if (ctx.kinds.includes('raw')) {
      try {
        raw = await measureRaw(ctx, config);
        ctx.log(`agents raw r${round}: ${fmt(raw.deliveriesPerSec)} deliveries/s to ${config.throughput.subscribers}`);
      } catch (error) {
        failures.push(`agents raw r${round}: ${String(error).slice(0, 2000)}`);
        ctx.log(`agents raw r${round}: FAILED ${String(error).split('\n')[0]}`);
      }
    }
    try {
      const run = await measureEasel(ctx, config);
      const t = run.throughput;
      const sample: AgentsSample = {
        round,
        ...run,
        serverUsPerFrame: t.framesPerSec > 0 ? (run.serverCpu * 1e6) / t.framesPerSec : Number.NaN,
        raw,
      };
      samples.push(sample);
      ctx.log(
        `agents easel r${round}: chat.send → turn_accepted p50 ${run.chat.event.p50.toFixed(2)} ms p99 ` +
          `${run.chat.event.p99.toFixed(2)} ms (token.set → token_patch p50 ${run.token.event.p50.toFixed(2)} ms p99 ` +
          `${run.token.event.p99.toFixed(2)} ms); chat_token ${fmt(t.framesPerSec)} frames/s to ${t.subscribers} ` +
          `(${fmt(t.framesPerSecPerSubscriber)}/s per subscriber, ${fmt(t.turnsPerSec)} turns/s), server CPU ` +
          `${pct(run.serverCpu)}, client CPU ${pct(t.clientCpu)}` +
          (t.errors + run.chat.errors + run.token.errors > 0
            ? `; errors ${t.errors + run.chat.errors + run.token.errors} (${t.firstError ?? run.chat.firstError ?? run.token.firstError})`
            : ''),
      );
    } catch (error) {
      failures.push(`agents easel r${round}: ${String(error).slice(0, 3000)}`);
      ctx.log(`agents easel r${round}: FAILED ${String(error).split('\n')[0]}`);
    }
  }
  return { config, samples, failures };
}
