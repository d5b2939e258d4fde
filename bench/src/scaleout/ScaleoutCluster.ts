import { randomBytes } from 'node:crypto';
import { ClientProcess } from '../client/ClientProcess.ts';
import type { ReaderSpec, WriterSpec } from '../client/protocol.ts';
import { type EaselTarget, startEaselTarget } from '../easel/easelTarget.ts';
import { type ServerProcess, startServer } from '../servers/ServerProcess.ts';
import { dropBenchSchema } from './benchDatabase.ts';
import { benchSchemaName } from './benchSchemaName.ts';
import { gatewayEntry } from '../easel/gatewayEntry.ts';

/** Where the scale-out engines are. */
export interface EngineUrls {
  postgres: string;
  redis: string;
}

/**
 * N `easel serve --postgres --redis --pg-schema <throwaway>` processes sharing one schema, one
 * Redis prefix (derived from the schema) and one JWT secret, with one fresh canvas made on node A.
 */
export interface ScaleoutCluster {
  schema: string;
  /** Node A first: it ran the migrations and made the canvas; writers post to it. */
  nodes: ServerProcess[];
  /** The canvas stream on each node (same canvas, same viewer token). */
  readers: ReaderSpec[];
  /** `token.set` commands to node A. */
  writer: WriterSpec;
  /** Last lines of every node, for error reports. */
  recentOutput(): string;
  /** Stops every node, then drops the schema; resolves with the drop error, if any. */
  stop(): Promise<string | null>;
}

/** Options of {@link startScaleoutCluster}. */
export interface ScaleoutClusterOptions {
  repoRoot: string;
  engines: EngineUrls;
  /** Gateway processes, ≥ 1. */
  nodes: number;
}

/** The reader spec of `spec` pointed at another node. */
function onNode(spec: ReaderSpec, from: string, to: string): ReaderSpec {
  if (!spec.url.startsWith(from)) throw new Error(`reader URL ${spec.url} is not on ${from}`);
  return { ...spec, url: to + spec.url.slice(from.length) };
}

/**
 * Starts node A (migrations, canvas set-up), then the other nodes together, on a fresh schema. On
 * any failure, stops what started and drops the schema before rethrowing.
 */
export async function startScaleoutCluster(options: ScaleoutClusterOptions): Promise<ScaleoutCluster> {
  const schema = benchSchemaName();
  const secret = randomBytes(24).toString('hex');
  const serveArgs = ['--postgres', options.engines.postgres, '--redis', options.engines.redis, '--pg-schema', schema];
  const env = { EASEL_JWT_SECRET: secret, EASEL_LOG_LEVEL: 'warn' };
  let first: EaselTarget | null = null;
  const others: ServerProcess[] = [];
  const stopAll = async (): Promise<string | null> => {
    await Promise.all([first?.stop(), ...others.map((node) => node.stop())]);
    const dropped = await dropBenchSchema(options.engines.postgres, schema);
    return dropped.ok ? null : dropped.error;
  };
  try {
    first = await startEaselTarget({ repoRoot: options.repoRoot, serveArgs, secret, label: 'easel-A' });
    const a = first;
    const script = await gatewayEntry(options.repoRoot);
    const started = await Promise.allSettled(
      Array.from({ length: options.nodes - 1 }, (_, i) =>
        startServer({
          label: `easel-${String.fromCharCode(66 + i)}`,
          cwd: options.repoRoot,
          script,
          args: ['serve', '--port', '0', ...serveArgs],
          env,
        }),
      ),
    );
    for (const s of started) if (s.status === 'fulfilled') others.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const nodes = [a.server, ...others];
    return {
      schema,
      nodes,
      readers: nodes.map((node) => onNode(a.reader, a.server.baseUrl, node.baseUrl)),
      writer: a.writer,
      recentOutput: () => nodes.map((n) => `--- ${n.label} output ---\n${n.recentOutput()}`).join('\n'),
      stop: stopAll,
    };
  } catch (error) {
    const dropError = await stopAll();
    throw new Error(`${String(error)}${dropError ? `\n(and dropping schema ${schema} failed: ${dropError})` : ''}`);
  }
}

/** The processes of one scale-out sample. */
export interface ClusterRig {
  cluster: ScaleoutCluster;
  readers: ClientProcess;
  /** The readers' process itself when `separateWriters` was false. */
  writers: ClientProcess;
}

/**
 * Starts a cluster of `nodes`, a reader process and (when `separateWriters`) a writer process, runs
 * `fn`, and always stops them all and drops the schema (a drop failure goes to `onDropError`).
 */
export async function withCluster<T>(
  options: ScaleoutClusterOptions & { separateWriters: boolean; onDropError(error: string): void },
  fn: (rig: ClusterRig) => Promise<T>,
): Promise<T> {
  const cluster = await startScaleoutCluster(options);
  const readers = ClientProcess.start(options.repoRoot);
  const writers = options.separateWriters ? ClientProcess.start(options.repoRoot) : readers;
  try {
    return await fn({ cluster, readers, writers });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${cluster.recentOutput()}`);
  } finally {
    await Promise.all([readers.stop(), writers === readers ? null : writers.stop()]);
    const dropError = await cluster.stop();
    if (dropError !== null) options.onDropError(dropError);
  }
}
