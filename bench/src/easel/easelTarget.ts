import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAYLOAD_BYTES } from '../lib/payload.ts';
import type { ReaderSpec, WriterSpec } from '../client/protocol.ts';
import { type ServerProcess, startServer } from '../servers/ServerProcess.ts';
import { signJwt } from './signJwt.ts';
import { BENCH_COMMAND_RATE, gatewayEntry } from './gatewayEntry.ts';

/** The canvas type the lead asked for; the bench falls back to its own when `board` declares no long string token. */
const CANVAS_TYPE = 'board';
const FALLBACK_TYPE = 'benchboard';
const SCOPE = { tenant_id: 'bench', project_id: 'bench', app_id: 'bench', surface_id: 'main', mode: 'edit' } as const;

/** Options for starting Easel. */
export interface EaselTargetOptions {
  repoRoot: string;
  /** Extra node arguments for the gateway process (e.g. a `--import` probe). */
  nodeArgs?: readonly string[];
  /** Extra environment for the gateway process. */
  env?: Record<string, string>;
  /**
   * Arguments after `serve --port 0` in place of `--data <temp dir>` (e.g. `--postgres <url> --redis <url>`);
   * no temp dir is made then.
   */
  serveArgs?: readonly string[];
  /** Flags added after `serve --port 0 --data <dir>` (e.g. `--durability normal`). */
  extraArgs?: readonly string[];
  /** HS256 secret the gateway verifies tokens with (default random): give several gateways the same one. */
  secret?: string;
  /** Label of the process in logs and errors (default `easel`). */
  label?: string;
  /** The gateway's entry (relative to `repoRoot`, or absolute). Default {@link gatewayEntry}'s. */
  script?: string;
}

/** A running `easel serve` with a fresh canvas, and the specs the client needs. */
export interface EaselTarget {
  server: ServerProcess;
  reader: ReaderSpec;
  writer: WriterSpec;
  canvasType: string;
  tokenIds: string[];
  stop(): Promise<void>;
}

interface HttpResult {
  status: number;
  json: unknown;
  text: string;
}

/** Setup attempts on 429 / 503 (commands are retried under the same command_id, so this is safe). */
const SETUP_ATTEMPTS = 4;

async function call(base: string, method: string, path: string, token: string, body?: unknown): Promise<HttpResult> {
  let result: HttpResult = { status: 0, json: null, text: '' };
  for (let attempt = 1; attempt <= SETUP_ATTEMPTS; attempt++) {
    const res = await fetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    result = { status: res.status, json, text };
    if (res.status !== 429 && res.status !== 503) return result;
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
  return result;
}

/** String tokens of `manifest` long enough for the bench value (or json tokens). */
function longTokens(manifest: unknown): string[] {
  const tokens = (manifest as { tokens?: Record<string, { type?: string; max_length?: number }> } | null)?.tokens;
  if (!tokens || typeof tokens !== 'object') return [];
  return Object.entries(tokens)
    .filter(([, decl]) => decl.type === 'string' && (decl.max_length ?? Number.POSITIVE_INFINITY) >= PAYLOAD_BYTES + 50)
    .map(([id]) => id);
}

function benchManifest(): object {
  const tokens: Record<string, object> = {};
  for (const id of ['bench.a', 'bench.b', 'bench.c', 'bench.d'])
    tokens[id] = { type: 'string', max_length: 1000, default: '' };
  return {
    type: FALLBACK_TYPE,
    version: '1.0.0',
    title: 'Bench board',
    roots: { notes: 'map', layout: 'map' },
    tokens,
    tools: [],
  };
}

async function createCanvas(base: string, writer: string, canvasType: string) {
  const canvasId = `c-${randomBytes(6).toString('hex')}`;
  const scope = { ...SCOPE, canvas_id: canvasId };
  const created = await call(base, 'POST', '/v1/commands', writer, {
    command_id: `create-${canvasId}`,
    type: 'canvas.create',
    scope,
    payload: { canvas_type: canvasType, title: 'Bench' },
  });
  return { scope, created };
}

/** True when a `token.set` of a bench-sized value on `tokenId` commits. */
async function tokenWorks(
  base: string,
  writer: string,
  scope: Record<string, string>,
  tokenId: string,
): Promise<boolean> {
  const res = await call(base, 'POST', '/v1/commands', writer, {
    command_id: `probe-${randomBytes(6).toString('hex')}`,
    type: 'token.set',
    scope,
    payload: { token_id: tokenId, value: 'p'.repeat(PAYLOAD_BYTES) },
  });
  return res.status === 200;
}

/**
 * A fresh `board` canvas and the board's long string tokens (from its manifest when the gateway
 * serves it, else the built-in `plan.note`), each proved by one real `token.set`; when none
 * works, registers {@link FALLBACK_TYPE} (admin) and uses that instead.
 */
async function prepareCanvas(base: string, admin: string, writer: string) {
  const board = await call(base, 'GET', `/v1/projects/${SCOPE.project_id}/canvas-types/${CANVAS_TYPE}`, admin);
  const candidates = board.status === 200 ? longTokens(board.json) : ['plan.note'];
  const first = await createCanvas(base, writer, CANVAS_TYPE);
  if (first.created.status !== 200) throw new Error(`canvas.create: ${first.created.status} ${first.created.text}`);
  const working: string[] = [];
  for (const id of candidates.slice(0, 4)) if (await tokenWorks(base, writer, first.scope, id)) working.push(id);
  if (working.length > 0) {
    // A fresh canvas so readers start from an empty token state.
    const fresh = await createCanvas(base, writer, CANVAS_TYPE);
    if (fresh.created.status !== 200) throw new Error(`canvas.create: ${fresh.created.status} ${fresh.created.text}`);
    return { canvasType: CANVAS_TYPE, tokenIds: working, scope: fresh.scope };
  }
  const put = await call(
    base,
    'PUT',
    `/v1/projects/${SCOPE.project_id}/canvas-types/${FALLBACK_TYPE}`,
    admin,
    benchManifest(),
  );
  if (put.status !== 200 && put.status !== 201) {
    throw new Error(
      `board has no usable long string token and registering ${FALLBACK_TYPE} failed: ${put.status} ${put.text}`,
    );
  }
  const own = await createCanvas(base, writer, FALLBACK_TYPE);
  if (own.created.status !== 200) throw new Error(`canvas.create: ${own.created.status} ${own.created.text}`);
  return { canvasType: FALLBACK_TYPE, tokenIds: ['bench.a', 'bench.b', 'bench.c', 'bench.d'], scope: own.scope };
}

/** What the bench clients need of a gateway: a fresh canvas, reader and writer specs. */
export interface BenchCanvasSpecs {
  reader: ReaderSpec & { kind: 'sse' };
  writer: WriterSpec;
  canvasType: string;
  tokenIds: string[];
}

/**
 * Mints tokens with `secret` (admin, writer = role editor, reader = role viewer), creates a fresh
 * canvas on the gateway at `baseUrl` and returns the reader spec (SSE on
 * `/v1/canvases/{id}/events`) and writer spec (`token.set` commands).
 */
export async function benchCanvasSpecs(baseUrl: string, secret: string): Promise<BenchCanvasSpecs> {
  const admin = signJwt({ sub: 'bench-admin', tenant_id: SCOPE.tenant_id, kind: 'service', roles: ['admin'] }, secret);
  const writer = signJwt({ sub: 'bench-writer', tenant_id: SCOPE.tenant_id, kind: 'agent', roles: ['editor'] }, secret);
  const viewer = signJwt({ sub: 'bench-viewer', tenant_id: SCOPE.tenant_id, kind: 'human', roles: ['viewer'] }, secret);
  const { canvasType, tokenIds, scope } = await prepareCanvas(baseUrl, admin, writer);
  const query = new URLSearchParams({ ...SCOPE }).toString();
  return {
    canvasType,
    tokenIds,
    reader: {
      kind: 'sse',
      url: `${baseUrl}/v1/canvases/${scope.canvas_id}/events?${query}`,
      headers: { authorization: `Bearer ${viewer}` },
      readyAfter: 'event: CANVAS_READY',
    },
    writer: {
      url: `${baseUrl}/v1/commands`,
      headers: { authorization: `Bearer ${writer}` },
      body: { kind: 'easel', scope, runId: `w${randomBytes(4).toString('hex')}`, tokenIds },
    },
  };
}

/**
 * Starts `easel serve --port 0 --data <temp dir>` as its own node process (so /proc figures are the
 * gateway's), mints tokens, creates a fresh canvas and returns the reader spec (SSE on
 * `/v1/canvases/{id}/events`, role viewer) and writer spec (`token.set` commands, role editor).
 */
export async function startEaselTarget(options: EaselTargetOptions): Promise<EaselTarget> {
  const dataDir = options.serveArgs ? null : mkdtempSync(join(tmpdir(), 'easel-bench-'));
  const secret = options.secret ?? randomBytes(24).toString('hex');
  let server: ServerProcess;
  try {
    server = await startServer({
      label: options.label ?? 'easel',
      cwd: options.repoRoot,
      script: options.script ?? (await gatewayEntry(options.repoRoot)),
      args: [
        'serve',
        '--port',
        '0',
        ...(dataDir === null ? (options.serveArgs ?? []) : ['--data', dataDir]),
        ...(options.extraArgs ?? []),
      ],
      nodeArgs: options.nodeArgs,
      // The writers post as one actor at full speed: the per-actor rate limit out of reach (see there).
      env: {
        EASEL_COMMAND_RATE: process.env.EASEL_COMMAND_RATE ?? BENCH_COMMAND_RATE,
        ...options.env,
        EASEL_JWT_SECRET: secret,
        EASEL_LOG_LEVEL: 'warn',
      },
    });
  } catch (error) {
    if (dataDir !== null) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const stop = async (): Promise<void> => {
    await server.stop();
    if (dataDir !== null) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const specs = await benchCanvasSpecs(server.baseUrl, secret);
    return { server, ...specs, stop };
  } catch (error) {
    const output = server.recentOutput();
    await stop();
    throw new Error(`${String(error)}\n--- gateway output ---\n${output}`);
  }
}
