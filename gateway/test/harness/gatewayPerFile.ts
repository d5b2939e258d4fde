import { afterAll, beforeAll } from 'vitest';
import { TestWorld } from './api.ts';
import { GatewayProcess, type GatewayProcessOptions } from './GatewayProcess.ts';

/** What {@link GatewayProcess.token} takes. */
export type TokenOptions = Parameters<GatewayProcess['token']>[0];

/** One gateway process shared by a test file, a `TestWorld` on tenant `acme`, and named tokens. */
export interface FileGateway<K extends string> {
  readonly gateway: GatewayProcess;
  readonly world: TestWorld;
  /** The tokens asked for, minted once the gateway is up. */
  readonly tokens: Readonly<Record<K, string>>;
}

/**
 * Registers `beforeAll`/`afterAll` in the calling test file: starts a gateway process (`options`),
 * a world on tenant `acme` and one token per entry of `tokens`; disposes the gateway after. Read
 * the result inside tests and hooks only.
 */
export function gatewayPerFile<K extends string>(
  tokens: Record<K, TokenOptions>,
  options: GatewayProcessOptions = {},
): FileGateway<K> {
  let started: FileGateway<K> | undefined;
  let gateway: GatewayProcess | undefined;
  beforeAll(async () => {
    gateway = await GatewayProcess.start(options);
    const minted: Partial<Record<K, string>> = {};
    for (const name of Object.keys(tokens) as K[]) minted[name] = await gateway.token(tokens[name]);
    started = { gateway, world: new TestWorld(gateway.url, 'acme'), tokens: minted as Record<K, string> };
  });
  afterAll(async () => {
    await gateway?.dispose();
  });
  const now = (): FileGateway<K> => {
    if (!started) throw new Error('gatewayPerFile: the gateway is not started (use it inside tests)');
    return started;
  };
  return {
    get gateway() {
      return now().gateway;
    },
    get world() {
      // A restart may come back on another port: the world follows the gateway's current URL.
      const current = now();
      if (current.world.baseUrl !== current.gateway.url) {
        started = { ...current, world: new TestWorld(current.gateway.url, 'acme') };
      }
      return started!.world;
    },
    get tokens() {
      return now().tokens;
    },
  };
}
