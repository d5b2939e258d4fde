import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../src/build/buildGateway.ts';
import { api, TestWorld } from './harness/api.ts';
import { GatewayProcess } from './harness/GatewayProcess.ts';
import { SseClient } from './harness/SseClient.ts';

// The production way to run the gateway: `pnpm build:gateway`, then `node gateway/dist/easel.mjs
// serve`. The bundle must serve exactly as the sources under tsx do (paths next to the sources
// included: built-in plugins, their runner), without tsx's per-closure `__name` calls.

const OUTDIR = path.join(fileURLToPath(new URL('..', import.meta.url)), '.build-test', String(process.pid));

let gateway: GatewayProcess;
let entry: string;

beforeAll(async () => {
  entry = (await buildGateway({ outdir: OUTDIR })).entry;
  gateway = await GatewayProcess.start({ entry });
});

afterAll(async () => {
  await gateway?.dispose();
  rmSync(OUTDIR, { recursive: true, force: true });
});

describe('[CONTRACT 12] the built gateway (node gateway/dist/easel.mjs serve)', () => {
  it('[CONTRACT 12] is plain ES modules without esbuild keepNames calls; engines stay in lazy chunks', () => {
    const main = readFileSync(entry, 'utf8');
    expect(main).toContain('listening on');
    const files = readdirSync(OUTDIR).filter((f) => f.endsWith('.mjs'));
    for (const f of files) expect(readFileSync(path.join(OUTDIR, f), 'utf8')).not.toMatch(/\b__name\(/);
    // The scale-out engines are imported only from chunks a configuration loads (not the entry).
    expect(main).not.toMatch(/from ["'](pg|ioredis)["']/);
    expect(files.length).toBeGreaterThan(1);
  });

  it('[CONTRACT 5] is ready with its built-in plugins, commits a command and streams it', async () => {
    const ready = await api(gateway.url, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json.checks.plugins).toBe('ok');
    const token = await gateway.token({ tenant: 'acme' });
    const world = new TestWorld(gateway.url, 'acme');
    const scope = await world.newCanvas(token, 'built', 'c1');
    const { canvas_id, ...rest } = scope;
    const stream = new SseClient(
      `${gateway.url}/v1/canvases/${canvas_id}/events?${new URLSearchParams(rest).toString()}`,
      { token },
    );
    try {
      await stream.open();
      await world.commit(token, 'token.set', scope, { token_id: 'plan.title', value: 'from the bundle' });
      const patch = await stream.waitFor((f) => f.event === 'token_patch', 10_000, 'the token_patch');
      expect(patch.json.payload).toMatchObject({ token_id: 'plan.title', value: 'from the bundle' });
      const bad = await api(gateway.url, 'POST', '/v1/commands', {
        token,
        rawBody: '{"a":',
        headers: { 'content-type': 'application/json' },
      });
      expect(bad.status).toBe(400);
      expect(bad.json.error.code).toBe('validation_failed');
    } finally {
      stream.close();
    }
  });
});
