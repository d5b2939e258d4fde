import { fmt } from '../lib/format.ts';
import { readOpenFileLimit, readRssKb } from '../lib/procStats.ts';
import { type RunContext, withTarget } from '../lib/RunContext.ts';
import { sleep } from '../lib/sleep.ts';
import { spread, type Spread } from '../lib/stats.ts';
import type { ServerKind } from '../servers/targets.ts';

/** File descriptors kept free in each process beyond the connections. */
const FD_HEADROOM = 1000;

export interface MemorySample {
  server: ServerKind;
  round: number;
  connections: number;
  rssBeforeKb: number;
  rssAfterKb: number;
  /** (after − before) ÷ connections, in KiB. */
  kbPerSubscriber: number;
  connectMs: number;
}

export interface MemoryResult {
  config: RunContext['config']['memory'];
  /** Connections actually opened (the configured count capped by the open-file limit). */
  connections: number;
  openFileLimit: number;
  samples: MemorySample[];
  summary: Partial<Record<ServerKind, Spread | null>>;
  failures: string[];
}

/**
 * RSS per idle subscriber: server VmRSS after start-up and a small warm-up (100 readers opened and
 * closed), then again after N idle readers are connected and settled; per subscriber = difference ÷ N.
 * Raw and Easel: SSE streams; Hocuspocus: WebSocket clients synced on one document.
 */
export async function runMemoryBench(ctx: RunContext): Promise<MemoryResult> {
  const cfg = ctx.config.memory;
  const openFileLimit = readOpenFileLimit();
  const connections = Number.isFinite(openFileLimit)
    ? Math.max(100, Math.min(cfg.connections, openFileLimit - FD_HEADROOM))
    : cfg.connections;
  if (connections < cfg.connections) {
    ctx.log(`memory: open-file limit ${openFileLimit} allows ${connections} connections (wanted ${cfg.connections})`);
  }
  const samples: MemorySample[] = [];
  const failures: string[] = [];
  for (let round = 1; round <= cfg.rounds; round++) {
    for (const kind of ctx.kinds) {
      try {
        const sample = await withTarget(ctx, kind, { separateWriters: false }, async ({ target, readers }) => {
          const warm = await readers.connect({ reader: target.reader, count: 100, track: 'count' });
          if (warm.failed > 0) throw new Error(`warm-up: ${warm.failed}/100 readers failed: ${warm.firstError}`);
          await readers.closeReaders();
          await sleep(cfg.settleMs);
          const rssBeforeKb = readRssKb(target.server.pid);
          const connected = await readers.connect({
            reader: target.reader,
            count: connections,
            track: 'count',
            concurrency: 100,
            timeoutMs: 60_000,
          });
          if (connected.failed > 0) {
            throw new Error(`${connected.failed}/${connections} readers failed: ${connected.firstError}`);
          }
          await sleep(cfg.settleMs);
          const rssAfterKb = readRssKb(target.server.pid);
          await readers.closeReaders();
          return {
            server: kind,
            round,
            connections: connected.opened,
            rssBeforeKb,
            rssAfterKb,
            kbPerSubscriber: (rssAfterKb - rssBeforeKb) / connected.opened,
            connectMs: connected.ms,
          } satisfies MemorySample;
        });
        samples.push(sample);
        ctx.log(
          `memory r${round} ${kind}: ${sample.kbPerSubscriber.toFixed(1)} KiB/subscriber ` +
            `(${fmt(sample.rssBeforeKb / 1024)} → ${fmt(sample.rssAfterKb / 1024)} MiB at ${sample.connections}, ` +
            `connected in ${(sample.connectMs / 1000).toFixed(1)} s)`,
        );
      } catch (error) {
        failures.push(`memory r${round} ${kind}: ${String(error)}`);
        ctx.log(`memory r${round} ${kind}: FAILED ${String(error).split('\n')[0]}`);
      }
    }
  }
  const summary: MemoryResult['summary'] = {};
  for (const kind of ctx.kinds) {
    summary[kind] = spread(samples.filter((s) => s.server === kind).map((s) => s.kbPerSubscriber));
  }
  return { config: cfg, connections, openFileLimit, samples, summary, failures };
}
