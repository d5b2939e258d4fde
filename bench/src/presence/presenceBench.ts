import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startEaselTarget } from '../easel/easelTarget.ts';
import { signJwt } from '../easel/signJwt.ts';
import type { RunContext } from '../lib/RunContext.ts';
import { runWindowedClient } from '../lib/runWindowedClient.ts';
import { type ServerProcess, startServer } from '../servers/ServerProcess.ts';
import type { AwarenessAuth, AwarenessSpec } from './awarenessWorker.ts';
import {
  PRESENCE_FULL,
  PRESENCE_QUICK,
  PRESENCE_SERVERS,
  type AwarenessRun,
  type PresenceConfig,
  type PresenceResult,
  type PresenceSample,
  type PresenceServer,
} from './PresenceResult.ts';

const WORKER = fileURLToPath(new URL('./awarenessWorker.ts', import.meta.url));

/** A started server and how collaborators authenticate on it. */
interface PresenceTarget {
  server: ServerProcess;
  auth: AwarenessAuth;
  stop(): Promise<void>;
}

/** Plain Hocuspocus 3.4 (`servers/hocuspocusServer.ts`): any token, any document. */
async function startPlain(repoRoot: string): Promise<PresenceTarget> {
  const server = await startServer({
    label: 'hocuspocus',
    cwd: repoRoot,
    script: 'bench/src/servers/hocuspocusServer.ts',
    args: ['--port', '0'],
  });
  return {
    server,
    auth: { kind: 'none', url: `ws://127.0.0.1:${server.port}/presence`, document: 'presence' },
    stop: () => server.stop(),
  };
}

/** `easel serve` with a fresh canvas; one viewer token per collaborator (tickets are fetched by the client). */
async function startEasel(repoRoot: string, collaborators: number): Promise<PresenceTarget> {
  const secret = randomBytes(24).toString('hex');
  const easel = await startEaselTarget({ repoRoot, secret, label: 'easel' });
  const body = easel.writer.body;
  if (body.kind !== 'easel') throw new Error('the Easel target has no canvas scope');
  const actors = Array.from({ length: collaborators }, (_, i) => `bench-p${i}`);
  const tokens = actors.map((sub) =>
    signJwt({ sub, tenant_id: body.scope.tenant_id!, kind: 'human', roles: ['viewer'] }, secret),
  );
  return {
    server: easel.server,
    auth: { kind: 'easel', baseUrl: easel.server.baseUrl, scope: body.scope, tokens, actors },
    stop: easel.stop,
  };
}

/** Runs the client process over one window; reads the server's CPU at the window's edges. */
function runWorker(
  spec: AwarenessSpec,
  serverPid: number,
  repoRoot: string,
): Promise<AwarenessRun & { serverCpu: number }> {
  return runWindowedClient<AwarenessSpec, AwarenessRun>({
    script: WORKER,
    spec,
    serverPid,
    cwd: repoRoot,
    timeoutMs: spec.warmupMs + spec.measureMs + 60_000,
    label: 'awareness client',
  });
}

/**
 * Awareness fan-out (BENCHMARKS.md): N = 50 collaborators on one document move their cursors at
 * 30 Hz (then at a lighter rate); p50 / p99 of set → seen by the last other collaborator, and server CPU, for Easel
 * (`/v1/presence`: tickets, socket guard, read-only document) and plain Hocuspocus 3.4, fresh
 * servers per sample, interleaved per round.
 */
export async function runPresenceBench(ctx: RunContext): Promise<PresenceResult> {
  const base = ctx.config.quick ? PRESENCE_QUICK : PRESENCE_FULL;
  const config: PresenceConfig = { ...base, rounds: ctx.config.rounds };
  const servers = PRESENCE_SERVERS.filter((s) => ctx.kinds.includes(s));
  const samples: PresenceSample[] = [];
  const failures: string[] = [];
  for (let round = 1; round <= config.rounds; round++) {
    for (const hz of config.rates) {
      for (const server of servers) {
        try {
          samples.push(await measure(ctx, config, server, hz, round));
          const s = samples.at(-1)!;
          ctx.log(
            `presence ${server} @ ${hz} Hz round ${round}: p50 ${s.latency.p50.toFixed(1)} ms, p99 ${s.latency.p99.toFixed(1)} ms, ` +
              `${Math.round(s.setsPerSec)} sets/s, ${Math.round(s.deliveriesPerSec)} deliveries/s, ` +
              `server CPU ${Math.round(s.serverCpu * 100)}%, client CPU ${Math.round(s.clientCpu * 100)}%, ` +
              `complete ${(s.complete * 100).toFixed(1)}%`,
          );
        } catch (error) {
          const message = `${server} @ ${hz} Hz round ${round}: ${error instanceof Error ? error.message : String(error)}`;
          failures.push(message.slice(0, 2000));
          ctx.log(`presence FAILED ${message.split('\n')[0]}`);
        }
      }
    }
  }
  return { config, samples, failures };
}

async function measure(
  ctx: RunContext,
  config: PresenceConfig,
  server: PresenceServer,
  hz: number,
  round: number,
): Promise<PresenceSample> {
  const target =
    server === 'easel' ? await startEasel(ctx.repoRoot, config.collaborators) : await startPlain(ctx.repoRoot);
  try {
    const run = await runWorker(
      {
        auth: target.auth,
        collaborators: config.collaborators,
        hz,
        warmupMs: config.warmupMs,
        measureMs: config.measureMs,
      },
      target.server.pid,
      ctx.repoRoot,
    );
    return {
      round,
      server,
      hz,
      ...run,
      serverUsPerDelivery: run.deliveriesPerSec > 0 ? (run.serverCpu * 1e6) / run.deliveriesPerSec : Number.NaN,
    };
  } catch (error) {
    const output = target.server.recentOutput();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}${output ? `\n--- output ---\n${output}` : ''}`,
    );
  } finally {
    await target.stop();
  }
}
