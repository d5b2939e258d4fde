import { ClientProcess } from '../client/ClientProcess.ts';
import { type ServerKind, startTarget, type Target } from '../servers/targets.ts';
import type { BenchConfig } from './BenchConfig.ts';

/** What every sub-benchmark gets from main. */
export interface RunContext {
  repoRoot: string;
  config: BenchConfig;
  /** Servers to measure this run, in interleaving order. */
  kinds: ServerKind[];
  /** Profile the Easel gateway during measurement windows (see profile/profileProbe.ts). */
  profile?: { dir: string };
  log(message: string): void;
}

/** The processes of one sample: the server under test, the readers' process and the writers' process. */
export interface Rig {
  target: Target;
  /** The pid to send SIGUSR2 to around a measurement window when profiling (Easel only), else null. */
  profilePid: number | null;
  readers: ClientProcess;
  /** The readers' process itself when `separateWriters` was false. */
  writers: ClientProcess;
}

/**
 * Starts `kind`, a fresh reader process and (when `separateWriters`) a writer process, runs `fn`,
 * and always stops them all.
 */
export async function withTarget<T>(
  ctx: RunContext,
  kind: ServerKind,
  options: { separateWriters: boolean },
  fn: (rig: Rig) => Promise<T>,
): Promise<T> {
  const target = await startTarget(kind, { repoRoot: ctx.repoRoot, profile: ctx.profile });
  const readers = ClientProcess.start(ctx.repoRoot);
  const writers = options.separateWriters ? ClientProcess.start(ctx.repoRoot) : readers;
  if (ctx.profile && kind === 'easel') ctx.log(`profiling easel (pid ${target.server.pid}) in each measurement window`);
  try {
    return await fn({
      target,
      readers,
      writers,
      profilePid: ctx.profile && kind === 'easel' ? target.server.pid : null,
    });
  } catch (error) {
    const output = target.server.recentOutput();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}${output ? `\n--- ${kind} output ---\n${output}` : ''}`,
    );
  } finally {
    await Promise.all([readers.stop(), writers === readers ? null : writers.stop()]);
    await target.stop();
  }
}
