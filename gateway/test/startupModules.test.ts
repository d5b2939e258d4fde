import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, TestWorld } from './harness/api.ts';
import { GatewayProcess } from './harness/GatewayProcess.ts';
import { packagesLoaded } from './harness/packagesLoaded.ts';

// `easel serve` on the embedded defaults (SQLite, in-process bus, no --s3) loads the scale-out
// engines and the S3 client only when a configuration or a request needs them: a restart after a
// crash spends its time on what it serves, not on module loading. A preload records every
// package the gateway process imports.

const RECORDER = fileURLToPath(new URL('./harness/recordModuleLoads.mjs', import.meta.url));
/** Loaded only by `--postgres` / `--redis`. */
const SCALE_OUT_PACKAGES = ['pg', 'ioredis', '@hocuspocus/extension-redis'];
/** Loaded only once a sidecar is used (`serve` starts its embedded S3 then), or at start with `--s3` / `easel dev`. */
const S3_PACKAGES = ['s3rver', '@aws-sdk/client-s3', '@aws-sdk/s3-request-presigner'];

let gateway: GatewayProcess;
let logDir: string;
let logFile: string;

beforeAll(async () => {
  logDir = mkdtempSync(path.join(os.tmpdir(), 'easel-modules-'));
  logFile = path.join(logDir, 'modules.log');
  gateway = await GatewayProcess.start({
    env: {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${RECORDER}`.trim(),
      EASEL_TEST_MODULE_LOG: logFile,
    },
  });
});

afterAll(async () => {
  await gateway?.dispose();
  rmSync(logDir, { recursive: true, force: true });
});

describe('[CONTRACT 12] easel serve on the embedded defaults loads only the engines it uses', () => {
  it('[CONTRACT 12] starting and serving commands loads neither PostgreSQL, Redis nor S3 code', async () => {
    const token = await gateway.token({ tenant: 'acme' });
    expect((await api(gateway.url, 'GET', '/readyz')).status).toBe(200);
    const world = new TestWorld(gateway.url, 'acme');
    await world.commit(token, 'canvas.create', world.scope('startup', 'c1'), { canvas_type: 'board' });
    const loaded = packagesLoaded(logFile);
    // The recorder works: the embedded spine's driver and the HTTP stack are in the log.
    expect(loaded.has('libsql')).toBe(true);
    expect(loaded.has('express')).toBe(true);
    expect([...SCALE_OUT_PACKAGES, ...S3_PACKAGES].filter((name) => loaded.has(name))).toEqual([]);
  });

  it('[CONTRACT 8] the first sidecar request starts the embedded S3; the scale-out engines stay unloaded', async () => {
    const token = await gateway.token({ tenant: 'acme' });
    const world = new TestWorld(gateway.url, 'acme');
    const scope = world.scope('startup', 'c2');
    await world.commit(token, 'canvas.create', scope, { canvas_type: 'board' });
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const created = await api(gateway.url, 'POST', '/v1/sidecars', {
      token,
      body: { scope, mime: 'image/png', size: bytes.length, sha256 },
      timeoutMs: 30_000,
    });
    expect(created.status).toBe(201);
    const { 'content-length': _length, ...headers } = created.json.upload.headers as Record<string, string>;
    const put = await fetch(created.json.upload.url, {
      method: 'PUT',
      headers,
      body: bytes,
      signal: AbortSignal.timeout(10_000),
    });
    expect(put.status).toBe(200);
    const completed = await api(gateway.url, 'POST', `/v1/sidecars/${created.json.artifact_id}/complete`, {
      token,
      body: { scope },
    });
    expect(completed.status).toBe(200);
    expect(completed.json).toMatchObject({ artifact_id: created.json.artifact_id, size: bytes.length, sha256 });
    const loaded = packagesLoaded(logFile);
    expect(loaded.has('s3rver')).toBe(true);
    expect(loaded.has('@aws-sdk/client-s3')).toBe(true);
    expect(SCALE_OUT_PACKAGES.filter((name) => loaded.has(name))).toEqual([]);
  });
});
