import { afterAll, beforeAll } from 'vitest';
import { E2eWorld, type GatewayProcess, startGateway } from './world.ts';

/** One real gateway and an {@link E2eWorld} on it, shared by the tests of one describe block. */
export interface SuiteGateway {
  readonly gateway: GatewayProcess;
  readonly world: E2eWorld;
}

/**
 * Registers `beforeAll`/`afterAll` in the calling describe block: starts a real gateway (`options` as
 * for {@link startGateway}, e.g. `fixedPort` for tests that restart it) and a world on it; afterwards
 * closes the world's transports and disposes the gateway. Read `gateway` and `world` inside tests only.
 */
export function gatewayWorldPerSuite(options: Parameters<typeof startGateway>[0] = {}): SuiteGateway {
  let gateway: GatewayProcess | undefined;
  let world: E2eWorld | undefined;
  beforeAll(async () => {
    gateway = await startGateway(options);
    world = new E2eWorld(gateway);
  });
  afterAll(async () => {
    world?.closeAll();
    await gateway?.dispose();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('gatewayWorldPerSuite: the gateway is not started (use it inside tests)');
    return value;
  };
  return {
    get gateway() {
      return started(gateway);
    },
    get world() {
      return started(world);
    },
  };
}
