import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { type ExtendedJobResponse, type JsonValue, partitionId, type Scope } from '@easel/schemas';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import type { Principal } from '../core/auth/Principal.ts';
import { ADMIN, command, DIRECTOR, harnessPerTest, SECTION_6_POLICY, scopeOf } from '../core/testing/coreHarness.ts';
import { builtinPluginFolders, openPluginHost, type SandboxPluginHost } from '../plugins/index.ts';
import { S3ObjectStore } from '../sidecars/S3ObjectStore.ts';
import { createS3Client } from '../sidecars/S3Settings.ts';
import { SidecarService } from '../sidecars/SidecarService.ts';
import { type EmbeddedS3, startEmbeddedS3 } from '../sidecars/startEmbeddedS3.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import { JobService } from './JobService.ts';
import { storeImageOutputs } from './storeImageOutputs.ts';

// Real parts: SQLite spine, the sandboxed plugin host with the built-in whiteboard-thumbnail, and
// an embedded S3 (s3rver) behind the real SidecarService.
const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));
const PROJECT: Scope = { tenant_id: 'acme', project_id: 'p1', app_id: 'app', surface_id: 'main', mode: 'edit' };
/** May run jobs (`job.create`) and read everything, but change nothing: it may not store sidecars. */
const RUNNER: Principal = { actorId: 'rue', tenantId: 'acme', kind: 'agent', roles: ['runner'] };
const POLICY = {
  ...SECTION_6_POLICY,
  roles: {
    ...SECTION_6_POLICY.roles,
    runner: {
      tokens: { read: ['*'], write: [] },
      state: { read: ['*'], write: [] },
      sidecars: { see: true, resolve: true },
      commands: ['job.create'],
    },
  },
};
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** How every PNG's base64 starts: it must appear in no result and no event. */
const PNG_BASE64_PREFIX = 'iVBORw0KGgo';

let s3: EmbeddedS3;
let dir: string;
let host: SandboxPluginHost;
let sidecars: SidecarService;
const opened: JobService[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'easel-jobs-s3-'));
  s3 = await startEmbeddedS3({ directory: dir, bucket: 'easel' });
  host = await openPluginHost({ folders: builtinPluginFolders() });
});
afterAll(async () => {
  await host?.close();
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  const policy = await h.core.putLensPolicy(ADMIN, 'p1', POLICY);
  if (!policy.ok) throw new Error(policy.error.message);
  sidecars = new SidecarService({ core: h.core, store: new S3ObjectStore(s3.settings), verify: 'read' });
});
afterEach(async () => {
  for (const service of opened.splice(0)) await service.close();
  sidecars.close();
});

async function openJobs(withSidecars: boolean): Promise<JobService> {
  const service = await JobService.open({
    core: h.core,
    plugins: host,
    gpu: { present: false, detail: 'test: no GPU' },
    persistEveryMs: 50,
    ...(withSidecars ? { sidecars } : {}),
  });
  opened.push(service);
  return service;
}

async function whiteboard(canvasId: string): Promise<Scope> {
  const scope = scopeOf(canvasId);
  const created = await h.core.submit(ADMIN, command('canvas.create', scope, { canvas_type: 'whiteboard' }));
  if (!created.ok) throw new Error(created.error.message);
  const ops = [
    { op: 'insert', root: 'shapes', key: 'r1', value: { kind: 'rect', x: 0, y: 0, w: 40, h: 30, fill: '#ff0000' } },
  ];
  const added = await h.core.submit(ADMIN, command('state.ops', scope, { ops }));
  if (!added.ok) throw new Error(added.error.message);
  return scope;
}

/** Runs a whiteboard-thumbnail job over `frames` snapshots of the canvas and waits for its end. */
async function thumbnailJob(service: JobService, p: Principal, scope: Scope, frames = 1) {
  const accepted = await service.submit(p, {
    scope,
    device_requested: 'cpu',
    pipeline: ['whiteboard-thumbnail'],
    input: { canvas_frames: frames, params: { 'whiteboard-thumbnail': { width: 64, height: 48 } } },
  });
  if (!accepted.ok) throw new Error(`${accepted.error.code}: ${accepted.error.message}`);
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const got = await service.get(DIRECTOR, PROJECT, accepted.value.job_id);
    if (got.ok && ['succeeded', 'failed', 'cancelled'].includes(got.value.status)) return got.value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`job ${accepted.value.job_id} did not finish`);
}

const envelopes = () => h.events.map((e) => ({ type: e.type, text: e.envelope, env: JSON.parse(e.envelope) }));
const snapshotEvents = () => envelopes().filter((e) => e.type === 'snapshot_created');
const completedOf = (jobId: string) =>
  envelopes().find((e) => e.type === 'job_completed' && e.env.payload.job_id === jobId)?.env.payload as
    | ExtendedJobResponse
    | undefined;

async function fetchArtifact(artifactId: string): Promise<Uint8Array> {
  const resolved = await sidecars.resolve(DIRECTOR, artifactId, PROJECT);
  if (!resolved.ok) throw new Error(`${resolved.error.code}: ${resolved.error.message}`);
  return new Uint8Array(await (await fetch(resolved.value.url)).arrayBuffer());
}

// Real plugin processes (spawned per test or file): roomy timeouts for a loaded machine.
describe('a job’s image outputs become sidecars (contract 4, 8, 9)', { timeout: 30_000 }, () => {
  it('[CONTRACT 8] a whiteboard-thumbnail job keeps each frame’s PNG as a sidecar and puts a ref in its result', async () => {
    const service = await openJobs(true);
    const scope = await whiteboard('wb');
    const done = await thumbnailJob(service, DIRECTOR, scope, 2);
    expect(done.status).toBe('succeeded');
    expect(done.warnings).toEqual([]);
    const result = done.result as Array<Record<string, unknown>>;
    expect(result).toHaveLength(2);
    const refs = result.map((frame) => frame.png_sidecar as { artifact_id: string; size: number; sha256: string });
    for (const [i, frame] of result.entries()) {
      expect(frame).not.toHaveProperty('png_base64');
      expect(frame).toMatchObject({ index: i, width: 64, height: 48, png_sidecar: { mime: 'image/png' } });
      expect(Object.keys(frame.png_sidecar as object).sort()).toEqual(['artifact_id', 'mime', 'sha256', 'size']);
      const bytes = await fetchArtifact(refs[i]!.artifact_id);
      expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      expect(bytes.length).toBe(refs[i]!.size);
    }
    expect(new Set(refs.map((r) => r.artifact_id)).size).toBe(2);
    // One durable snapshot_created per image, on the job's canvas, by the job's principal.
    const snapshots = snapshotEvents();
    expect(snapshots.map((e) => e.env.payload.artifact_id)).toEqual(refs.map((r) => r.artifact_id));
    for (const e of snapshots) {
      expect(e.env).toMatchObject({
        durable: true,
        scope: { canvas_id: 'wb', job_id: done.job_id },
        actor: { id: DIRECTOR.actorId },
      });
      // Stamped with what the image was computed from (the whiteboard's content), for the lens.
      const stamp = (e.env.payload as Record<string, unknown>).derived_from as { roots: string[] };
      expect(stamp.roots).toContain('shapes');
    }
    // The durable job_completed and GET /v1/jobs/{id} carry the refs, never the bytes.
    expect(completedOf(done.job_id)?.result).toEqual(done.result);
    for (const e of envelopes()) expect(e.text).not.toContain(PNG_BASE64_PREFIX);
    expect(JSON.stringify(done)).not.toContain(PNG_BASE64_PREFIX);
    expect(JSON.stringify(done)).not.toMatch(/_base64/);
  });

  it('[CONTRACT 4] without a sidecar store the PNG is omitted from the result as before, and nothing is stored', async () => {
    const service = await openJobs(false);
    const scope = await whiteboard('wb');
    const done = await thumbnailJob(service, DIRECTOR, scope);
    expect(done.status).toBe('succeeded');
    const frame = (done.result as Array<Record<string, unknown>>)[0]!;
    expect(frame.png_base64).toMatch(/^\[omitted: \d+ characters\]$/);
    expect(frame).not.toHaveProperty('png_sidecar');
    expect(done.warnings).toEqual([]);
    expect(snapshotEvents()).toHaveLength(0);
    for (const e of envelopes()) expect(e.text).not.toContain(PNG_BASE64_PREFIX);
  });

  it('[CONTRACT 6] a principal whose lens may not store sidecars: the PNG is omitted and a warning says why', async () => {
    const service = await openJobs(true);
    const scope = await whiteboard('wb');
    const done = await thumbnailJob(service, RUNNER, scope);
    expect(done.status).toBe('succeeded');
    const frame = (done.result as Array<Record<string, unknown>>)[0]!;
    expect(frame.png_base64).toMatch(/^\[omitted: \d+ characters\]$/);
    expect(frame).not.toHaveProperty('png_sidecar');
    expect(done.warnings).toEqual([
      expect.stringMatching(/^frame 0 png_base64 was not kept as a sidecar: forbidden: /),
    ]);
    expect(completedOf(done.job_id)?.warnings).toEqual(done.warnings);
    expect(snapshotEvents()).toHaveLength(0);
  });
});

describe('storeImageOutputs', () => {
  const png = Buffer.from([...PNG_SIGNATURE, 0, 0, 0, 13]).toString('base64');
  const job = () => ({ store: sidecars, principal: DIRECTOR, scope: PROJECT });

  it('[CONTRACT 8] stores png/jpeg/webp keys of object outputs only; bad or mislabelled images stay, with a warning', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]).toString('base64');
    const webp = Buffer.from('RIFF\u0004\u0000\u0000\u0000WEBPVP8 ', 'latin1').toString('base64');
    const outputs: JsonValue[] = [
      { png_base64: png, png_sidecar: { artifact_id: 'FORGED' }, label: 'a' },
      { jpeg_base64: jpeg, webp_base64: webp, nested: { png_base64: png } },
      { png_base64: 'not base64!', jpeg_base64: png },
      [png],
      null,
      'png_base64',
    ];
    const before = JSON.stringify(outputs);
    const kept = await storeImageOutputs(outputs, job());
    expect(JSON.stringify(outputs)).toBe(before);
    const [first, second, third, ...rest] = kept.outputs as Array<Record<string, JsonValue>>;
    expect(Object.keys(first!)).toEqual(['png_sidecar', 'label']);
    expect(first!.png_sidecar).toMatchObject({ mime: 'image/png', size: 12 });
    expect((first!.png_sidecar as { artifact_id: string }).artifact_id).not.toBe('FORGED');
    expect(second).toMatchObject({
      jpeg_sidecar: { mime: 'image/jpeg', size: 6 },
      webp_sidecar: { mime: 'image/webp', size: 16 },
      nested: { png_base64: png },
    });
    expect(third).toEqual({ png_base64: 'not base64!', jpeg_base64: png });
    expect(rest).toEqual([[png], null, 'png_base64']);
    expect(kept.warnings).toEqual([
      'frame 2 png_base64 was not kept as a sidecar: validation_failed: not padded standard base64',
      'frame 2 jpeg_base64 was not kept as a sidecar: validation_failed: not a JPEG image',
    ]);
    expect(snapshotEvents()).toHaveLength(3);
  });

  it('[CONTRACT 9] once the job is aborted (shutdown) no further image is stored', async () => {
    const controller = new AbortController();
    controller.abort();
    const kept = await storeImageOutputs([{ png_base64: png }], { ...job(), signal: controller.signal });
    expect(kept.outputs).toEqual([{ png_base64: png }]);
    expect(kept.warnings).toEqual([
      'frame 0 png_base64 was not kept as a sidecar: unavailable: the gateway is shutting down',
    ]);
    expect(snapshotEvents()).toHaveLength(0);
  });

  it('[CONTRACT 8] an image over the store’s size limit is not decoded or stored', async () => {
    const small = new SidecarService({ core: h.core, store: new S3ObjectStore(s3.settings), maxObjectBytes: 11 });
    const kept = await storeImageOutputs([{ png_base64: png }], { ...job(), store: small });
    small.close();
    expect(kept.outputs).toEqual([{ png_base64: png }]);
    expect(kept.warnings).toEqual([
      'frame 0 png_base64 was not kept as a sidecar: validation_failed: 12 bytes is over the sidecar limit of 11',
    ]);
    expect(snapshotEvents()).toHaveLength(0);
  });

  it('[CONTRACT 8] when its snapshot_created cannot be appended, the object just stored is deleted and the result keeps no ref', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const store = new S3ObjectStore(s3.settings);
    const logged = new SidecarService({ core: h.core, store, verify: 'read', logger });
    const client = createS3Client(s3.settings);
    const prefix = 'tenants/acme/projects/p1/';
    const keys = async () =>
      ((await client.send(new ListObjectsV2Command({ Bucket: 'easel', Prefix: prefix }))).Contents ?? [])
        .map((o) => o.Key)
        .sort();
    try {
      await store.ensureBucket();
      // What storeBytes checks before the PUT (the lens) is read now; then the spine closes, so
      // the PUT succeeds and the append of snapshot_created really fails.
      await h.core.lensView(DIRECTOR, partitionId(PROJECT));
      const before = await keys();
      await h.spine.close();
      const kept = await storeImageOutputs([{ png_base64: png }], { ...job(), store: logged });
      expect(kept.outputs).toEqual([{ png_base64: png }]);
      expect(kept.warnings).toHaveLength(1);
      expect(kept.warnings[0]).toMatch(/^frame 0 png_base64 was not kept as a sidecar: unavailable: /);
      // No object is left behind in the bucket (ListObjects), and the one stored answers 404 (HEAD).
      expect(await keys()).toEqual(before);
      const warning = lines
        .map((line) => JSON.parse(line) as { level: number; msg: string; key?: string })
        .find((entry) => entry.msg.includes('deleted the sidecar object'));
      expect(warning?.level).toBe(40);
      expect(warning?.key).toMatch(/^tenants\/acme\/projects\/p1\/artifacts\//);
      expect(await store.head(warning!.key!)).toBeNull();
      expect(snapshotEvents()).toHaveLength(0);
    } finally {
      logged.close();
      client.destroy();
    }
  });
});
