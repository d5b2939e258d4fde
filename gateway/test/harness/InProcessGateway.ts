import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { mintToken } from '../../src/auth/mintToken.ts';
import { createGateway, type Gateway, type GatewayDeps, openEmbeddedEngines } from '../../src/compose.ts';
import { createMetrics } from '../../src/metrics/createMetrics.ts';
import { TestWorld } from './api.ts';

export interface InProcessGatewayOptions {
  /** HS256 secret of the gateway's tokens (and of `admin`). */
  readonly secret: string;
  /** Prefix of the temporary data directory. */
  readonly prefix: string;
  /** Serve the dev routes (`/dev/token`, …) with the same secret. */
  readonly dev?: boolean;
  /** Request body limits (`createGateway`'s `limits`). */
  readonly limits?: GatewayDeps['limits'];
}

/**
 * A gateway composed in this process (Express + core) on port 0 over real SQLite files in a
 * temporary directory, with a `TestWorld` and an admin token (`ann`) on tenant `acme`. For tests
 * of the HTTP layer that need no separate process (those use `GatewayProcess`).
 */
export class InProcessGateway {
  private constructor(
    readonly gateway: Gateway,
    readonly url: string,
    readonly world: TestWorld,
    readonly admin: string,
    private readonly dir: string,
  ) {}

  static async start(options: InProcessGatewayOptions): Promise<InProcessGateway> {
    const dir = mkdtempSync(path.join(os.tmpdir(), options.prefix));
    const engines = openEmbeddedEngines({ dataDir: dir, durability: 'normal' });
    if (!engines.ok) throw new Error(engines.message);
    const gateway = await createGateway({
      spine: engines.value.spine,
      bus: engines.value.bus,
      auth: { secret: options.secret },
      dev: options.dev ? { secret: options.secret } : null,
      logger: pino({ level: 'silent' }),
      metrics: createMetrics({ processMetrics: false }),
      ...(options.limits ? { limits: options.limits } : {}),
      closeGraceMs: 200,
    });
    const { url } = await gateway.listen(0);
    const admin = await mintToken(options.secret, { tenant: 'acme', sub: 'ann', roles: ['admin'] });
    return new InProcessGateway(gateway, url, new TestWorld(url, 'acme'), admin, dir);
  }

  /** Closes the gateway and removes its data directory. */
  async close(): Promise<void> {
    await this.gateway.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
