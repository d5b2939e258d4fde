import { randomBytes } from 'node:crypto';
import { adminClient, dropSchema, freshSchemaName, TEST_POSTGRES_URL } from '../../src/spine/pg/pgTestHarness.ts';
import { GatewayProcess } from './GatewayProcess.ts';

/** Options of {@link GatewayCluster.start}. */
export interface GatewayClusterOptions {
  /** Number of gateway processes. */
  nodes: number;
  /** Redis URL the nodes share (a test-owned `redis-server`, so restarting it disturbs nobody). */
  redisUrl: string;
  /** Extra environment of every node. */
  env?: Record<string, string>;
  /** Extra `serve` arguments of every node (e.g. `--s3 <url>`: one sidecar store they share). */
  args?: string[];
}

/**
 * Several real gateway processes in scale-out mode (`easel serve --postgres --redis`) on one
 * throwaway PostgreSQL schema and one Redis, sharing one JWT secret. `dispose` stops them and
 * drops the schema.
 */
export class GatewayCluster {
  private constructor(
    readonly nodes: GatewayProcess[],
    readonly schema: string,
  ) {}

  static async start(options: GatewayClusterOptions): Promise<GatewayCluster> {
    const schema = freshSchemaName();
    const secret = randomBytes(24).toString('hex');
    const args = [
      '--postgres',
      TEST_POSTGRES_URL,
      '--redis',
      options.redisUrl,
      '--pg-schema',
      schema,
      ...(options.args ?? []),
    ];
    // The first node creates the schema; the others start together (migrations are idempotent).
    const first = await GatewayProcess.start({ secret, args, ...(options.env ? { env: options.env } : {}) });
    const rest = await Promise.all(
      Array.from({ length: options.nodes - 1 }, () =>
        GatewayProcess.start({ secret, args, ...(options.env ? { env: options.env } : {}) }),
      ),
    );
    return new GatewayCluster([first, ...rest], schema);
  }

  node(i: number): GatewayProcess {
    const node = this.nodes[i];
    if (node === undefined) throw new Error(`no node ${i}`);
    return node;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.dispose().catch(() => {})));
    const admin = await adminClient();
    try {
      await dropSchema(admin, this.schema);
    } finally {
      await admin.end();
    }
  }
}
