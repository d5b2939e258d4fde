import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintToken } from '../../src/auth/mintToken.ts';

/** The repository root (where `gateway/src/cli.ts` is run from). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const LISTENING_RE = /listening on (http:\/\/[^\s:]+:(\d+))/;

/** Options of {@link GatewayProcess.start}. */
export interface GatewayProcessOptions {
  /** Data directory; default a fresh temp dir (removed by `dispose`). */
  dataDir?: string;
  /** HS256 secret; default random. */
  secret?: string;
  /** Extra CLI arguments after `serve --port 0 --data <dir>`. */
  args?: string[];
  /** Extra environment. */
  env?: Record<string, string>;
  /**
   * The CLI entry to run with plain node (e.g. a `buildGateway` bundle). Default: the TypeScript
   * sources through tsx (`--import tsx gateway/src/cli.ts`).
   */
  entry?: string;
  /** How long to wait for the listening line, ms. Default 60000 (a loaded 2-core CI box can take 30 s+). */
  startTimeoutMs?: number;
}

/**
 * A real gateway child process (`node --import tsx gateway/src/cli.ts serve --port 0 --data <dir>`)
 * for integration tests: parses the listening line for the port, mints tokens with its secret,
 * and can be stopped gracefully, killed with SIGKILL, and restarted on the same data.
 */
export class GatewayProcess {
  child: ChildProcess | null = null;
  url = '';
  port = 0;
  /** Everything the process printed (stdout and stderr), across restarts. */
  output = '';
  private readonly ownsDataDir: boolean;
  readonly dataDir: string;
  readonly secret: string;

  private constructor(private readonly options: GatewayProcessOptions) {
    this.ownsDataDir = options.dataDir === undefined;
    this.dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'easel-gw-'));
    this.secret = options.secret ?? randomBytes(24).toString('hex');
  }

  static async start(options: GatewayProcessOptions = {}): Promise<GatewayProcess> {
    const gateway = new GatewayProcess(options);
    await gateway.spawn();
    return gateway;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  private spawn(): Promise<void> {
    const args = [
      ...(this.options.entry !== undefined ? [this.options.entry] : ['--import', 'tsx', 'gateway/src/cli.ts']),
      'serve',
      '--port',
      '0',
      '--data',
      this.dataDir,
      ...(this.options.args ?? []),
    ];
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, EASEL_JWT_SECRET: this.secret, EASEL_LOG_LEVEL: 'warn', ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => {
        // A start that failed leaves nothing running (the test's cleanup may never reach stop()).
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        settle(new Error(`no listening line within ${timeoutMs} ms:\n${this.output.slice(-2000)}`));
      }, timeoutMs);
      // Only lines printed by this start count: remember where this start's output begins.
      const before = this.output.length;
      const onStdout = (chunk: Buffer) => {
        this.output += chunk.toString('utf8');
        const m = LISTENING_RE.exec(this.output.slice(before));
        if (m) {
          this.url = m[1]!;
          this.port = Number(m[2]);
          settle();
        }
      };
      child.stdout!.on('data', onStdout);
      child.stderr!.on('data', (chunk: Buffer) => {
        this.output += chunk.toString('utf8');
      });
      child.once('exit', (code, signal) =>
        settle(new Error(`gateway exited (${signal ?? code}) before listening:\n${this.output.slice(-2000)}`)),
      );
    });
  }

  /** Sends `signal` and waits for the exit; SIGKILL after `timeoutMs`. Resolves with the exit code/signal. */
  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
    timeoutMs = 10_000,
  ): Promise<{ code: number | null; signal: string | null; ms: number }> {
    const child = this.child;
    if (!child || !this.running) return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null, ms: 0 };
    const started = Date.now();
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, sig) => resolve({ code, signal: sig })),
    );
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const result = await exited;
    clearTimeout(timer);
    return { ...result, ms: Date.now() - started };
  }

  /** A crash: SIGKILL, no shutdown. */
  kill9(): Promise<{ code: number | null; signal: string | null; ms: number }> {
    return this.stop('SIGKILL');
  }

  /** Stops (gracefully unless `signal` says otherwise) and starts again on the same data dir. */
  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    await this.spawn();
  }

  /** A signed token for this gateway. */
  token(options: {
    tenant: string;
    sub?: string;
    roles?: string[];
    kind?: 'human' | 'agent' | 'service';
    ttlSeconds?: number;
  }): Promise<string> {
    return mintToken(this.secret, {
      tenant: options.tenant,
      sub: options.sub ?? `test-${(options.roles ?? ['admin']).join('-')}`,
      roles: options.roles ?? ['admin'],
      kind: options.kind ?? 'human',
      ttlSeconds: options.ttlSeconds ?? 3600,
    });
  }

  /** Stops the process and removes the data dir it created. */
  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
