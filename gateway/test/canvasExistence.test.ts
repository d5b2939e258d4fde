import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../src/auth/mintToken.ts';
import { createGateway, type Gateway, openEmbeddedEngines } from '../src/compose.ts';
import { createMetrics } from '../src/metrics/createMetrics.ts';
import { meteredSpine } from '../src/metrics/meteredSpine.ts';
import { api, TestWorld } from './harness/api.ts';
import { expectErrorBody } from './harness/expectErrorBody.ts';

// Whether a canvas exists is answered without rebuilding it where the canvas itself is not needed
// (the turn history, sidecars, the dev bootstrap). Observable: loading a canvas reads its snapshot
// from the spine first (`loadSnapshot`), whether it has one or not; this gateway's spine records
// those reads. The canvas is created by an earlier gateway on the same data, so none is loaded.

const SECRET = 'canvas-existence-secret-0123456789abcdef';
let dir: string;
let gateway: Gateway | undefined;
let url: string;
let admin: string;
const snapshotReads: string[] = [];

async function start(): Promise<void> {
  const engines = openEmbeddedEngines({ dataDir: dir, durability: 'normal' });
  if (!engines.ok) throw new Error(engines.message);
  // A plain wrapper of the real SQLite spine (every method bound to it); only the reads are noted.
  const spine = meteredSpine(engines.value.spine, { append: () => {} });
  const loadSnapshot = spine.loadSnapshot;
  spine.loadSnapshot = (partition, canvasId) => {
    snapshotReads.push(`${partition}/${canvasId}`);
    return loadSnapshot(partition, canvasId);
  };
  gateway = await createGateway({
    spine,
    bus: engines.value.bus,
    auth: { secret: SECRET },
    dev: null,
    logger: pino({ level: 'silent' }),
    metrics: createMetrics({ processMetrics: false }),
    closeGraceMs: 200,
  });
  url = (await gateway.listen(0)).url;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'easel-exists-'));
  admin = await mintToken(SECRET, { tenant: 'acme', sub: 'ann', roles: ['admin'] });
  await start();
  await new TestWorld(url, 'acme').newCanvas(admin, 'p1', 'c1');
  await gateway?.close();
  await start();
  // (Creating the canvas looked it up first; only what the second gateway reads counts.)
  snapshotReads.length = 0;
});

afterAll(async () => {
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('[CONTRACT 4] canvas existence without rebuilding the canvas', () => {
  it('[CONTRACT 4] the turn history of an existing canvas answers 200 without loading it; an unknown one 404', async () => {
    const { canvas_id: _id, ...rest } = new TestWorld(url, 'acme').scope('p1', 'c1');
    const q = new URLSearchParams(rest).toString();
    const turns = await api(url, 'GET', `/v1/canvases/c1/turns?${q}`, { token: admin });
    expect(turns.status).toBe(200);
    expect(turns.json).toEqual({ events: [], complete: true });
    const missing = await api(url, 'GET', `/v1/canvases/nope/turns?${q}`, { token: admin });
    expectErrorBody(missing, 404, 'not_found');
    expect(missing.json.error.details).toEqual({ canvas_id: 'nope' });
    expect(snapshotReads.filter((key) => key.endsWith('/c1'))).toEqual([]);

    // The observable works: reading the canvas loads it.
    const read = await api(url, 'GET', `/v1/canvases/c1?${q}`, { token: admin });
    expect(read.status).toBe(200);
    expect(snapshotReads.filter((key) => key.endsWith('/c1'))).toEqual(['acme/p1/c1']);
    // Loaded now: the history still answers, and nothing is read again.
    expect((await api(url, 'GET', `/v1/canvases/c1/turns?${q}`, { token: admin })).status).toBe(200);
    expect(snapshotReads.filter((key) => key.endsWith('/c1'))).toEqual(['acme/p1/c1']);
  });
});
