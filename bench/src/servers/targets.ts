import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ReaderSpec, WriterSpec } from '../client/protocol.ts';
import { startEaselTarget } from '../easel/easelTarget.ts';
import { DOCUMENT_NAME } from './hocuspocusDocument.ts';
import { type ServerProcess, startServer } from './ServerProcess.ts';

/** The servers under test, in the order every round runs them. */
export const SERVER_KINDS = ['raw', 'hocuspocus', 'easel'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** What each server is, for tables and charts. */
export const SERVER_LABELS: Record<ServerKind, string> = {
  raw: 'raw SSE (a)',
  hocuspocus: 'Hocuspocus 3.4 WS (b)',
  easel: 'Easel (c)',
};

/** A started server with one stream to read and one endpoint to write. */
export interface Target {
  kind: ServerKind;
  server: ServerProcess;
  reader: ReaderSpec;
  writer: WriterSpec;
  /** Facts worth recording (Easel: canvas type, token ids). */
  notes: Record<string, unknown>;
  stop(): Promise<void>;
}

/** Options for {@link startTarget}. */
export interface TargetOptions {
  repoRoot: string;
  /** Preload the profiling probe into the Easel gateway; profiles go to `dir`. */
  profile?: { dir: string };
}

/** True when `pnpm easel serve` can be run from `repoRoot` (the gateway CLI exists). */
export function easelAvailable(repoRoot: string): boolean {
  return existsSync(join(repoRoot, 'gateway/src/cli.ts'));
}

/** Starts one server under test as its own process. */
export async function startTarget(kind: ServerKind, options: TargetOptions): Promise<Target> {
  if (kind === 'easel') {
    const easel = await startEaselTarget({
      repoRoot: options.repoRoot,
      ...(options.profile
        ? {
            nodeArgs: ['--import', './bench/src/profile/profileProbe.ts'],
            env: { EASEL_BENCH_PROFILE_DIR: options.profile.dir },
          }
        : {}),
    });
    return {
      kind,
      server: easel.server,
      reader: easel.reader,
      writer: easel.writer,
      notes: { canvas_type: easel.canvasType, token_ids: easel.tokenIds },
      stop: easel.stop,
    };
  }
  const script = kind === 'raw' ? 'bench/src/servers/rawSseServer.ts' : 'bench/src/servers/hocuspocusServer.ts';
  const server = await startServer({ label: kind, cwd: options.repoRoot, script, args: ['--port', '0'] });
  const reader: ReaderSpec =
    kind === 'raw'
      ? { kind: 'sse', url: `${server.baseUrl}/events` }
      : { kind: 'yjs', url: `ws://127.0.0.1:${server.port}/${DOCUMENT_NAME}`, document: DOCUMENT_NAME };
  return {
    kind,
    server,
    reader,
    writer: { url: `${server.baseUrl}/publish`, body: { kind: 'publish' } },
    notes: {},
    stop: () => server.stop(),
  };
}
