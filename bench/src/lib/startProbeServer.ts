import type { ReaderSpec, WriterSpec } from '../client/protocol.ts';
import { startEaselTarget } from '../easel/easelTarget.ts';
import { startTarget } from '../servers/targets.ts';

/** A server a probe script measures: its pid (for CPU), how clients reach it, and its stop. */
export interface ProbeServer {
  pid: number;
  reader: ReaderSpec;
  writer: WriterSpec;
  stop(): Promise<void>;
}

/**
 * Starts the raw-SSE baseline (`kind` `'raw'`) or an Easel gateway with extra environment `env`
 * (labelled `kind` in its logs), as the A/B probe scripts of issue 2 compare them. `env.NODE_ARGS`
 * (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) goes to node's command line instead;
 * `env.ROOT` runs the gateway of another checkout (e.g. a `git worktree` of an older commit);
 * `env.SCRIPT` another entry of it (e.g. `gateway/src/cli.ts`: the sources through tsx, where the
 * default is the production build, `gatewayEntry`); `env.ARGS` extra `serve` flags, split on spaces
 * (e.g. `--durability normal`).
 */
export async function startProbeServer(
  kind: string,
  repoRoot: string,
  env: Record<string, string> = {},
): Promise<ProbeServer> {
  if (kind === 'raw') {
    const raw = await startTarget('raw', { repoRoot });
    return { pid: raw.server.pid, reader: raw.reader, writer: raw.writer, stop: raw.stop };
  }
  // `NODE_ARGS` is not passed on as environment: it holds node's own flags (`--cpu-prof`, which
  // NODE_OPTIONS refuses), split on spaces.
  // `ROOT` (not passed on either): another checkout whose gateway runs, for A/B of two commits.
  const { NODE_ARGS: nodeArgs, ROOT: root, SCRIPT: script, ARGS: args, ...rest } = env;
  const easel = await startEaselTarget({
    repoRoot: root ?? repoRoot,
    env: rest,
    label: kind,
    script,
    extraArgs: args ? args.split(' ').filter(Boolean) : undefined,
    nodeArgs: nodeArgs ? nodeArgs.split(' ').filter(Boolean) : undefined,
  });
  return { pid: easel.server.pid, reader: easel.reader, writer: easel.writer, stop: easel.stop };
}
