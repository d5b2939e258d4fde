import net from 'node:net';
import {
  CONTRACT_EXAMPLE_LENS_POLICY,
  type CanvasScope,
  type CanvasTypeManifest,
  type LensPolicy,
} from '@easel/schemas';
import { type BackoffTier, CanvasTransport, type CanvasTransportOptions } from '@easel/transport';
import { GatewayProcess, type GatewayProcessOptions } from '../../../gateway/test/harness/GatewayProcess.ts';
import { type ApiResponse, api } from '../../../gateway/test/harness/api.ts';

export { GatewayProcess, api, type ApiResponse };
/** A deterministic uniform random in [0, 1) (mulberry32), shared with the transport's unit tests. */
export { seededRandom } from '../../../sdk/transport/src/testing/ManualTimers.ts';

/** Short reconnect / retry tiers so tests that restart the gateway stay quick. */
export const FAST_TIERS: readonly BackoffTier[] = [
  { name: 'immediate', ms: 100 },
  { name: 'quick', ms: 250 },
  { name: 'patient', ms: 500 },
  { name: 'cap', ms: 1_000 },
];

/** A free TCP port on 127.0.0.1 (so a restarted gateway comes back on the same URL). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a real gateway; with `fixedPort` it listens on one port across restarts. */
export async function startGateway(
  options: GatewayProcessOptions & { fixedPort?: boolean } = {},
): Promise<GatewayProcess> {
  const { fixedPort, ...rest } = options;
  const args = fixedPort ? ['--port', String(await freePort()), ...(rest.args ?? [])] : rest.args;
  return GatewayProcess.start({ ...rest, ...(args ? { args } : {}) });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it holds; throws after `timeoutMs` naming `what`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** The lens policy of contract §6 (the shared, frozen example from @easel/schemas). */
export const SECTION_6_POLICY: LensPolicy = CONTRACT_EXAMPLE_LENS_POLICY;

let counter = 0;

/** One tenant's view of a real gateway: scopes, tokens, transports, and plain HTTP for checks. */
export class E2eWorld {
  readonly tenant: string;
  readonly #transports: CanvasTransport[] = [];

  constructor(readonly gateway: GatewayProcess) {
    counter += 1;
    this.tenant = `e2e-${process.pid}-${counter}`;
  }

  name(prefix: string): string {
    counter += 1;
    return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
  }

  scope(project: string, canvasId: string): CanvasScope {
    return {
      tenant_id: this.tenant,
      project_id: project,
      app_id: 'e2e-app',
      surface_id: 'main',
      mode: 'edit',
      canvas_id: canvasId,
    };
  }

  token(roles: string[] = ['admin'], sub?: string): Promise<string> {
    return this.gateway.token({ tenant: this.tenant, roles, sub: sub ?? `e2e-${roles.join('-')}` });
  }

  /** A transport on this gateway (closed by `closeAll`); not connected yet. */
  transport(token: string, scope: CanvasScope, extra: Partial<CanvasTransportOptions> = {}): CanvasTransport {
    const transport = new CanvasTransport({ baseUrl: this.gateway.url, token, scope, tiers: FAST_TIERS, ...extra });
    this.#transports.push(transport);
    return transport;
  }

  closeAll(): void {
    for (const transport of this.#transports.splice(0)) transport.close();
  }

  async registerType(adminToken: string, project: string, manifest: CanvasTypeManifest): Promise<void> {
    const res = await api(this.gateway.url, 'PUT', `/v1/projects/${project}/canvas-types/${manifest.type}`, {
      token: adminToken,
      body: manifest,
    });
    if (res.status !== 200 && res.status !== 201)
      throw new Error(`registering ${manifest.type}: ${res.status} ${res.text}`);
  }

  async putLens(adminToken: string, project: string, policy: LensPolicy = SECTION_6_POLICY): Promise<void> {
    const res = await api(this.gateway.url, 'PUT', `/v1/projects/${project}/lens`, { token: adminToken, body: policy });
    if (res.status !== 200) throw new Error(`PUT lens: ${res.status} ${res.text}`);
  }

  /** Creates a canvas through a transport (`canvas.create`); throws unless committed. */
  async createCanvas(adminToken: string, scope: CanvasScope, canvasType: string): Promise<void> {
    const creator = this.transport(adminToken, scope);
    const created = await creator.createCanvas(canvasType, `e2e ${scope.canvas_id}`);
    if (!created.ok) throw new Error(`canvas.create: ${created.error.code} ${created.error.message}`);
  }

  /** An admin token and a fresh `board` canvas in a fresh project named after `prefix`. */
  async newBoard(prefix: string): Promise<{ admin: string; project: string; scope: CanvasScope }> {
    const admin = await this.token(['admin']);
    const project = this.name(prefix);
    const scope = this.scope(project, this.name('c'));
    await this.createCanvas(admin, scope, 'board');
    return { admin, project, scope };
  }

  /** GET /v1/canvases/{id} that must answer 200. */
  // biome-ignore lint/suspicious/noExplicitAny: parsed test data
  async getCanvas(token: string, scope: CanvasScope): Promise<any> {
    const { canvas_id: canvasId, ...rest } = scope;
    const res = await api(this.gateway.url, 'GET', `/v1/canvases/${canvasId}?${new URLSearchParams(rest)}`, { token });
    if (res.status !== 200) throw new Error(`GET canvas: ${res.status} ${res.text}`);
    return res.json;
  }
}
