import type { CommandOutcome, Scope } from '@easel/schemas';
import { ulid } from 'ulid';
import { afterEach, beforeEach } from 'vitest';
import type { Principal } from '../auth/Principal.ts';
import { StreamHub, type StreamHubOptions } from '../fanout/StreamHub.ts';
import type { GatewayCore } from '../GatewayCore.ts';
import type { PerTestHarness } from './coreHarness.ts';

/** The admin of tenant `acme` who registers the canvas type and writes in these tests. */
export const HUB_ADMIN: Principal = { actorId: 'ann', tenantId: 'acme', kind: 'human', roles: ['admin'] };
/** Project `proj`'s realtime scope; a canvas scope adds `canvas_id`. */
export const HUB_BASE = { tenant_id: 'acme', project_id: 'proj', app_id: 'app', surface_id: 'main', mode: 'edit' };

/** Options of {@link streamHubsPerTest}. */
export interface StreamHubsOptions {
  /** The canvas type registered in `proj` before each test; `createCanvas` uses it. */
  manifest: { readonly type: string };
  /** Options of every `hub()`, under the ones it is called with. */
  hubDefaults?: StreamHubOptions;
}

/** Stream hubs on a per-test core, and the writes the stream tests make. */
export interface StreamHubs {
  /** A hub on `on` (default: the harness's current core), closed after the test. */
  hub(options?: StreamHubOptions, on?: GatewayCore): StreamHub;
  /** Creates canvas `canvasId` of the registered type in `proj`; returns its scope. */
  createCanvas(canvasId: string): Promise<Scope>;
  /** Sets token `tokenId` as `who` (default {@link HUB_ADMIN}); returns the outcome (with its cursor). */
  setToken(scope: Scope, tokenId: string, value: string, who?: Principal): Promise<CommandOutcome>;
}

async function submitted(core: GatewayCore, who: Principal, body: unknown): Promise<CommandOutcome> {
  const res = await core.submit(who, body);
  if (!res.ok) throw new Error(res.error.message);
  return res.value;
}

/**
 * Registers `beforeEach`/`afterEach` in the calling test file, after `harness`'s own (from
 * `harnessPerTest`): before each test the canvas type is registered; after it, every hub the test
 * opened is closed (before the harness closes the core).
 */
export function streamHubsPerTest(harness: PerTestHarness, options: StreamHubsOptions): StreamHubs {
  let hubs: StreamHub[] = [];
  beforeEach(async () => {
    const put = await harness.core.putCanvasType(HUB_ADMIN, 'proj', options.manifest.type, options.manifest);
    if (!put.ok) throw new Error(put.error.message);
  });
  afterEach(() => {
    for (const hub of hubs) hub.close();
    hubs = [];
  });
  return {
    hub: (hubOptions = {}, on = harness.core) => {
      const hub = new StreamHub(on, { ...options.hubDefaults, ...hubOptions });
      hubs.push(hub);
      return hub;
    },
    createCanvas: async (canvasId) => {
      const scope = { ...HUB_BASE, canvas_id: canvasId };
      const body = {
        command_id: ulid(),
        type: 'canvas.create',
        scope,
        payload: { canvas_type: options.manifest.type },
      };
      await submitted(harness.core, HUB_ADMIN, body);
      return scope;
    },
    setToken: (scope, tokenId, value, who = HUB_ADMIN) =>
      submitted(harness.core, who, {
        command_id: ulid(),
        type: 'token.set',
        scope,
        payload: { token_id: tokenId, value },
      }),
  };
}
