import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where `pnpm easel` runs `gateway/src/cli.ts`). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const LISTENING_RE = /listening on (http:\/\/[^\s:]+:\d+)/;

/** Options of {@link startCliGateway}. */
export interface CliGatewayOptions {
  /** CLI arguments after `gateway/src/cli.ts` (e.g. `['dev', '--no-app']`); `--port 0 --data <tmp>` are added. */
  args: string[];
  /** The line that means "ready" (default: the listening line). */
  readyWhen?: RegExp;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * A real `easel` CLI process (the same command `pnpm easel …` runs), on a free port and a fresh
 * data directory; for the host's integration tests. (The host may not import the gateway, so this
 * spawns the CLI by path instead of using `gateway/test/harness`.)
 */
export class CliGateway {
  output = '';
  url = '';
  private constructor(
    readonly child: ChildProcess,
    readonly dataDir: string,
  ) {}

  static async start(options: CliGatewayOptions): Promise<CliGateway> {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'easel-host-gw-'));
    const env: Record<string, string | undefined> = { ...process.env, EASEL_LOG_LEVEL: 'warn', ...options.env };
    if (!options.env?.EASEL_JWT_SECRET) delete env.EASEL_JWT_SECRET;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'gateway/src/cli.ts', ...options.args, '--port', '0', '--data', dataDir],
      { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const gateway = new CliGateway(child, dataDir);
    const readyWhen = options.readyWhen ?? LISTENING_RE;
    const timeoutMs = options.timeoutMs ?? 60_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(`the gateway printed no ${readyWhen} within ${timeoutMs} ms:\n${gateway.output.slice(-3000)}`),
        );
      }, timeoutMs);
      const check = () => {
        const m = LISTENING_RE.exec(gateway.output);
        if (m) gateway.url = m[1]!;
        if (gateway.url && readyWhen.test(gateway.output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', (chunk: Buffer) => {
        gateway.output += chunk.toString('utf8');
        check();
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        gateway.output += chunk.toString('utf8');
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`the gateway exited (${signal ?? code}) before it was ready:\n${gateway.output.slice(-3000)}`),
        );
      });
    });
    return gateway;
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; removes the data directory. */
  async dispose(timeoutMs = 8000): Promise<void> {
    const child = this.child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
