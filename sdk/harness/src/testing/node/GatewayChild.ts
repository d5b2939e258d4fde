import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (gateway/src/cli.ts is run from there). */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const LISTENING_RE = /listening on (http:\/\/[^\s:]+:\d+)/;

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * A real gateway child process for the harness's network tests (`pnpm easel serve --port 0`
 * on a temp data dir), spawned by path so the harness never imports gateway code. Node only:
 * not exported from `@easel/harness/testing`.
 */
export class GatewayChild {
  url = '';
  output = '';
  readonly #secret = randomBytes(24).toString('hex');
  readonly #dataDir = mkdtempSync(path.join(os.tmpdir(), 'easel-harness-'));
  #child: ChildProcess | null = null;

  static async start(timeoutMs = 60_000): Promise<GatewayChild> {
    const gateway = new GatewayChild();
    await gateway.#spawn(timeoutMs);
    return gateway;
  }

  #spawn(timeoutMs: number): Promise<void> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'gateway/src/cli.ts', 'serve', '--port', '0', '--data', this.#dataDir],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, EASEL_JWT_SECRET: this.#secret, EASEL_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#child = child;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no listening line in ${timeoutMs} ms:\n${this.output.slice(-2000)}`)),
        timeoutMs,
      );
      child.stdout!.on('data', (chunk: Buffer) => {
        this.output += chunk.toString('utf8');
        const m = LISTENING_RE.exec(this.output);
        if (m && this.url === '') {
          this.url = m[1]!;
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        this.output += chunk.toString('utf8');
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`gateway exited (${signal ?? code}) before listening:\n${this.output.slice(-2000)}`));
      });
    });
  }

  /** An HS256 token the gateway accepts (contract §2 claims). */
  token(claims: { tenant: string; sub: string; roles: string[]; kind?: 'human' | 'agent'; name?: string }): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(
      JSON.stringify({
        sub: claims.sub,
        tenant_id: claims.tenant,
        kind: claims.kind ?? 'human',
        roles: claims.roles,
        iat: now,
        exp: now + 3600,
        ...(claims.name !== undefined ? { name: claims.name } : {}),
      }),
    );
    const signature = createHmac('sha256', this.#secret).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  }

  /** A JSON request with a bearer token; answers status and parsed body. */
  async request(
    method: string,
    pathname: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${this.url}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json };
  }

  async dispose(): Promise<void> {
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.#dataDir, { recursive: true, force: true });
  }
}
