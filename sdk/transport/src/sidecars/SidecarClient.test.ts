import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTRACT_EXAMPLE_LENS_POLICY, type Scope } from '@easel/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SidecarClient } from './SidecarClient.ts';
import { sha256Hex } from './sha256Hex.ts';
import { forEachValidationMode } from '../testing/validationModes.ts';

// A real gateway process (`easel serve --dev`, embedded S3) driven over HTTP: the SDK cannot
// import the gateway, so it is started from the repository root like any client would.
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const SCOPE: Scope = { tenant_id: 'acme', project_id: 'media', app_id: 'app', surface_id: 'main', mode: 'edit' };

let child: ChildProcess | undefined;
let dataDir = '';
let baseUrl = '';
const tokens: Record<string, string> = {};

function startGateway(): Promise<string> {
  dataDir = mkdtempSync(path.join(tmpdir(), 'easel-sdk-sidecar-'));
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', 'gateway/src/cli.ts', 'serve', '--dev', '--port', '0', '--data', dataDir],
    { cwd: REPO_ROOT, env: { ...process.env, EASEL_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child = proc;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${output.slice(-2000)}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${code}):\n${output.slice(-2000)}`));
    });
  });
}

async function call(method: string, urlPath: string, token: string | null, body?: unknown): Promise<Response> {
  return fetch(`${baseUrl}${urlPath}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
}

beforeAll(async () => {
  baseUrl = await startGateway();
  for (const [name, roles] of Object.entries({
    admin: ['admin'],
    director: ['director'],
    planner: ['planner'],
    viewer: ['viewer'],
  })) {
    const res = await call('POST', '/v1/dev/tokens', null, { sub: name, roles, tenant_id: 'acme' });
    if (res.status !== 200) throw new Error(`dev token: ${res.status} ${await res.text()}`);
    tokens[name] = ((await res.json()) as { token: string }).token;
  }
  const lens = await call('PUT', '/v1/projects/media/lens', tokens.admin!, CONTRACT_EXAMPLE_LENS_POLICY);
  if (lens.status !== 200) throw new Error(`lens: ${lens.status} ${await lens.text()}`);
  const canvas = await call('POST', '/v1/commands', tokens.admin!, {
    command_id: `create-${Date.now()}`,
    type: 'canvas.create',
    scope: { ...SCOPE, canvas_id: 'board-1' },
    payload: { canvas_type: 'board' },
  });
  if (canvas.status !== 200) throw new Error(`canvas: ${canvas.status} ${await canvas.text()}`);
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child!.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function client(token: string, fetchImpl?: (input: string, init?: RequestInit) => Promise<Response>) {
  return new SidecarClient({
    baseUrl,
    token,
    scope: SCOPE,
    validate: mode.current,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

const mode = forEachValidationMode(() => {
  describe('SidecarClient against a real gateway (contract 8, lens of contract 6)', () => {
    it('[CONTRACT 8] uploadSidecar hashes, PUTs and completes; resolveSidecar gives a URL to the same bytes', async () => {
      const bytes = new Uint8Array(20_000).map((_, i) => (i * 31) % 251);
      const file = new File([bytes], 'frame.png', { type: 'image/png' });
      const up = await client(tokens.director!).uploadSidecar(file, { canvasId: 'board-1' });
      if (!up.ok) throw new Error(`${up.error.code}: ${up.error.message}`);
      expect(up.value).toMatchObject({ mime: 'image/png', size: bytes.length, sha256: await sha256Hex(bytes) });
      expect(up.value.uri).toBe(`s3://easel/tenants/acme/projects/media/artifacts/${up.value.artifact_id}`);
      expect(up.value.cursor).toMatch(/^[a-z0-9]+-\d+$/);

      const resolved = await client(tokens.director!).resolveSidecar(up.value.artifact_id);
      if (!resolved.ok) throw new Error(`${resolved.error.code}: ${resolved.error.message}`);
      const got = await fetch(resolved.value.url, { signal: AbortSignal.timeout(10_000) });
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
    });

    it('[CONTRACT 6] resolve without the lens right, or of an unknown artifact, is a coded error value', async () => {
      const up = await client(tokens.director!).uploadSidecar(new Uint8Array([1, 2, 3]), {
        contentType: 'application/octet-stream',
      });
      if (!up.ok) throw new Error(up.error.message);
      const refused = await client(tokens.planner!).resolveSidecar(up.value.artifact_id);
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', status: 403 } });
      const missing = await client(tokens.director!).resolveSidecar('NOSUCHARTIFACT');
      expect(missing).toMatchObject({ ok: false, error: { code: 'not_found', status: 404 } });
      const viewer = await client(tokens.viewer!).uploadSidecar(new Uint8Array([1]), { contentType: 'text/plain' });
      expect(viewer).toMatchObject({ ok: false, error: { code: 'forbidden', status: 403 } });
    });

    it('[CONTRACT 8] bad input is refused before anything is sent; an unreachable gateway is a network error', async () => {
      let calls = 0;
      const counting = (input: string, init?: RequestInit) => {
        calls += 1;
        return fetch(input, init);
      };
      expect(await client(tokens.director!, counting).uploadSidecar(new Uint8Array([1]))).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
      expect(
        await client(tokens.director!, counting).uploadSidecar(new Uint8Array(0), { contentType: 'text/plain' }),
      ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(calls).toBe(0);
      const offline = new SidecarClient({
        baseUrl: 'http://127.0.0.1:9',
        token: tokens.director!,
        scope: SCOPE,
        validate: mode.current,
      });
      expect(await offline.uploadSidecar(new Uint8Array([1]), { contentType: 'text/plain' })).toMatchObject({
        ok: false,
        error: { code: 'network' },
      });
    });
  });
});
