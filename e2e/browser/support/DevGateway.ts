import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where `gateway/src/cli.ts` runs from). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const LISTENING_RE = /listening on (http:\/\/[^\s:]+:(\d+))/;
const BANNER_RE = /Easel dev gateway: /;

/** Options of {@link DevGateway.start}. */
export interface DevGatewayOptions {
  /** Data directory; default a fresh temp dir (removed by `dispose`). */
  dataDir?: string;
  /** Port; default 0 (any free port). Restarts reuse the port the first start got. */
  port?: number;
  /** Extra CLI arguments after `dev --port <p> --data <dir>`. */
  args?: string[];
  /** Extra environment. */
  env?: Record<string, string>;
  /** How long to wait for the listening line, ms. Default 60 000 (a first start may build the host). */
  startTimeoutMs?: number;
}

/** A token minted by `POST /v1/dev/tokens`. */
export interface DevToken {
  token: string;
  sub: string;
  roles: string[];
}

/**
 * A real `easel dev` child process (`node --import tsx gateway/src/cli.ts dev`): the gateway on
 * embedded storage serving the host build at `/`, the demo lens policy, and `POST /v1/dev/tokens`.
 * Can be killed with SIGKILL and restarted on the same port and data dir.
 */
export class DevGateway {
  child: ChildProcess | null = null;
  url = '';
  port: number;
  /** Everything the process printed, across restarts. */
  output = '';
  readonly dataDir: string;
  readonly #ownsDataDir: boolean;

  private constructor(private readonly options: DevGatewayOptions) {
    this.#ownsDataDir = options.dataDir === undefined;
    this.dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'easel-browser-'));
    this.port = options.port ?? 0;
  }

  static async start(options: DevGatewayOptions = {}): Promise<DevGateway> {
    const gateway = new DevGateway(options);
    await gateway.#spawn();
    return gateway;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  #spawn(): Promise<void> {
    const args = [
      '--import',
      'tsx',
      'gateway/src/cli.ts',
      'dev',
      '--port',
      String(this.port),
      '--data',
      this.dataDir,
      ...(this.options.args ?? []),
    ];
    const env: NodeJS.ProcessEnv = { ...process.env, EASEL_LOG_LEVEL: 'warn', ...this.options.env };
    delete env.EASEL_JWT_SECRET; // dev mode: the secret lives in the data dir, so it survives restarts
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    const before = this.output.length;
    return new Promise((resolve, reject) => {
      let settled = false;
      let listening = false;
      let bannerTimer: NodeJS.Timeout | undefined;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(bannerTimer);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => {
        // A start that failed leaves nothing running (the test's cleanup may never reach stop()).
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        settle(new Error(`easel dev: no listening line within ${timeoutMs} ms:\n${this.output.slice(-3000)}`));
      }, timeoutMs);
      const check = () => {
        const mine = this.output.slice(before);
        if (!listening) {
          const m = LISTENING_RE.exec(mine);
          if (!m) return;
          listening = true;
          this.url = m[1]!;
          this.port = Number(m[2]);
          // The banner follows once the demo lens policy is installed; do not wait for it forever.
          bannerTimer = setTimeout(() => settle(), 10_000);
        }
        if (BANNER_RE.test(mine)) settle();
      };
      child.stdout!.on('data', (chunk: Buffer) => {
        this.output += chunk.toString('utf8');
        check();
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        this.output += chunk.toString('utf8');
      });
      child.once('exit', (code, signal) =>
        settle(new Error(`easel dev exited (${signal ?? code}) before it was ready:\n${this.output.slice(-3000)}`)),
      );
    });
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** A crash: SIGKILL, no shutdown. */
  kill9(): Promise<void> {
    return this.stop('SIGKILL');
  }

  /** Starts again on the same port and data dir (after {@link kill9} or {@link stop}). */
  async restart(): Promise<void> {
    await this.stop('SIGKILL');
    await this.#spawn();
  }

  /** `POST /v1/dev/tokens` (tenant `demo` unless given). */
  token(
    sub: string,
    roles: string[],
    options: { kind?: 'human' | 'agent' | 'service'; tenant?: string } = {},
  ): Promise<DevToken> {
    return mintDevToken(this.url, sub, roles, options);
  }

  /** Stops the process (SIGKILL) and removes the data dir it created. */
  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    if (this.#ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The scope of `easel dev`'s demo board (tenant and project `demo`, the host app's surface). */
export const DEMO_BOARD_SCOPE = {
  tenant_id: 'demo',
  project_id: 'demo',
  app_id: 'host',
  surface_id: 'main',
  mode: 'edit',
  canvas_id: 'demo-board',
} as const;

/** `POST <baseUrl>/v1/dev/tokens` (dev mode only; tenant `demo` unless given). */
export async function mintDevToken(
  baseUrl: string,
  sub: string,
  roles: string[],
  options: { kind?: 'human' | 'agent' | 'service'; tenant?: string } = {},
): Promise<DevToken> {
  const res = await fetch(`${baseUrl}/v1/dev/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      sub,
      roles,
      kind: options.kind ?? 'human',
      tenant_id: options.tenant ?? 'demo',
      ttl_seconds: 3600,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /v1/dev/tokens: ${res.status} ${text}`);
  const body = JSON.parse(text) as { token: string };
  return { token: body.token, sub, roles };
}
