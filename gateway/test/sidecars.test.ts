import { createHash, randomBytes } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CONTRACT_EXAMPLE_LENS_POLICY } from '@easel/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../src/sidecars/index.ts';
import { api, TestWorld } from './harness/api.ts';
import { expectErrorBody } from './harness/expectErrorBody.ts';
import { GatewayProcess } from './harness/GatewayProcess.ts';
import { rgwPerFile } from './harness/rgw.ts';
import { type SseFrame, SseClient } from './harness/SseClient.ts';

// Real S3 (Ceph RGW, which verifies SigV4 signatures, signed headers, payload hashes and expiry)
// behind a real gateway process started with `--s3 <url>` and the keys in the environment.
const rgw = rgwPerFile();
const BUCKET = `easel-t${Date.now().toString(36)}`;
const PROJECT = 'media';

interface Gw {
  gateway: GatewayProcess;
  world: TestWorld;
  admin: string;
  director: string;
  planner: string;
}

async function startGateway(env: Record<string, string> = {}): Promise<Gw> {
  const gateway = await GatewayProcess.start({
    args: ['--s3', rgw.current.endpoint],
    env: {
      EASEL_S3_ACCESS_KEY: rgw.current.accessKey,
      EASEL_S3_SECRET_KEY: rgw.current.secretKey,
      EASEL_S3_BUCKET: BUCKET,
      ...env,
    },
  });
  const world = new TestWorld(gateway.url, 'acme');
  const admin = await gateway.token({ tenant: 'acme', sub: 'ann', roles: ['admin'] });
  const director = await gateway.token({ tenant: 'acme', sub: 'dana', roles: ['director'] });
  const planner = await gateway.token({ tenant: 'acme', sub: 'pat', roles: ['planner'] });
  const lens = await api(gateway.url, 'PUT', `/v1/projects/${PROJECT}/lens`, {
    token: admin,
    body: CONTRACT_EXAMPLE_LENS_POLICY,
  });
  if (lens.status !== 200) throw new Error(`lens: ${lens.status} ${lens.text}`);
  return { gateway, world, admin, director, planner };
}

let main: Gw;
let scope: Record<string, string>;
beforeAll(async () => {
  main = await startGateway();
  scope = await main.world.newCanvas(main.admin, PROJECT, 'shots');
});
afterAll(async () => {
  await main?.gateway.dispose();
});

function projectQuery(s: Record<string, string>): string {
  const { canvas_id: _c, ...rest } = s;
  return new URLSearchParams(rest).toString();
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function createSidecar(gw: Gw, token: string, bytes: Uint8Array, mime = 'image/png') {
  const res = await api(gw.gateway.url, 'POST', '/v1/sidecars', {
    token,
    body: { scope, mime, size: bytes.length, sha256: sha256(bytes) },
  });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
  return res.json as { artifact_id: string; upload: { url: string; headers: Record<string, string> } };
}

/** PUTs with the given headers (fetch computes Content-Length from the body). */
async function putTo(url: string, headers: Record<string, string>, body: Uint8Array) {
  const { 'content-length': _len, ...rest } = headers;
  const res = await fetch(url, {
    method: 'PUT',
    headers: rest,
    body: new Uint8Array(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, text: await res.text() };
}

function complete(gw: Gw, token: string, id: string) {
  return api(gw.gateway.url, 'POST', `/v1/sidecars/${id}/complete`, { token, body: { scope } });
}

function resolve(gw: Gw, token: string, id: string) {
  return api(gw.gateway.url, 'GET', `/v1/sidecars/${id}?${projectQuery(scope)}`, { token });
}

const isSnapshot = (f: SseFrame) => f.event === 'snapshot_created';

/** An S3 client with the store's own keys (bypasses the gateway's presigned URLs). */
function adminS3(): S3Client {
  return createS3Client({
    endpoint: rgw.current.endpoint,
    region: 'us-east-1',
    bucket: BUCKET,
    accessKeyId: rgw.current.accessKey,
    secretAccessKey: rgw.current.secretKey,
  });
}

/** Writes `bytes` (with their honest hash as metadata) under an artifact's key, as someone holding the store's keys. */
async function storeDirectly(s3: S3Client, artifactId: string, bytes: Uint8Array): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: `tenants/acme/projects/${PROJECT}/artifacts/${artifactId}`,
      Body: bytes,
      ContentType: 'image/png',
      Metadata: { sha256: sha256(bytes) },
    }),
  );
}

describe('sidecars on real S3 (Ceph RGW)', () => {
  it('[CONTRACT 8] round trip: create, PUT, complete, snapshot_created to a director only, resolve, GET identical bytes', async () => {
    const bytes = new Uint8Array(randomBytes(48 * 1024));
    const directorStream = new SseClient(main.world.streamUrl(scope), { token: main.director });
    const plannerStream = new SseClient(main.world.streamUrl(scope), { token: main.planner });
    const directorTimeline = new SseClient(main.world.realtimeUrl(scope), { token: main.director });
    const plannerTimeline = new SseClient(main.world.realtimeUrl(scope), { token: main.planner });
    const streams = [directorStream, plannerStream, directorTimeline, plannerTimeline];
    try {
      await directorStream.waitFor((f) => f.event === 'CANVAS_READY');
      await plannerStream.waitFor((f) => f.event === 'CANVAS_READY');
      for (const s of [directorTimeline, plannerTimeline]) expect((await s.open()).status).toBe(200);

      const created = await createSidecar(main, main.director, bytes);
      expect(
        created.upload.url.startsWith(`${rgw.current.endpoint}/${BUCKET}/tenants/acme/projects/${PROJECT}/artifacts/`),
      ).toBe(true);
      const put = await putTo(created.upload.url, created.upload.headers, bytes);
      expect(put.status, put.text).toBe(200);
      const done = await complete(main, main.director, created.artifact_id);
      expect(done.status, done.text).toBe(200);
      expect(done.json).toMatchObject({
        artifact_id: created.artifact_id,
        uri: `s3://${BUCKET}/tenants/acme/projects/${PROJECT}/artifacts/${created.artifact_id}`,
        mime: 'image/png',
        size: bytes.length,
        sha256: sha256(bytes),
      });

      const seen = await directorStream.waitFor(isSnapshot, 5000, 'snapshot_created');
      await directorTimeline.waitFor(isSnapshot, 5000, 'snapshot_created on /v1/realtime');
      expect(seen.id).not.toBeNull(); // durable: it has a cursor
      expect(seen.json.payload).toEqual({
        artifact_id: created.artifact_id,
        uri: done.json.uri,
        mime: 'image/png',
        size: bytes.length,
        sha256: sha256(bytes),
        created_at: done.json.created_at,
      });
      // Events never contain bytes: no base64 or raw content, and the envelope stays small.
      const b64 = Buffer.from(bytes).toString('base64');
      expect(seen.data.includes(b64.slice(0, 64))).toBe(false);
      expect(seen.data.length).toBeLessThan(2048);

      // The planner's lens has sidecars.see = false: a later token it can read arrives, the snapshot never does.
      await main.world.commit(main.admin, 'token.set', scope, { token_id: 'plan.title', value: 'after-upload' });
      await plannerStream.waitFor((f) => f.event === 'token_patch' && f.json.payload.value === 'after-upload');
      await plannerTimeline.waitFor((f) => f.event === 'token_patch' && f.json.payload.value === 'after-upload');
      expect(plannerStream.frames.some(isSnapshot)).toBe(false);
      expect(plannerTimeline.frames.some(isSnapshot)).toBe(false);

      const resolved = await resolve(main, main.director, created.artifact_id);
      expect(resolved.status, resolved.text).toBe(200);
      expect(Date.parse(resolved.json.expires_at)).toBeGreaterThan(Date.now());
      const got = await fetch(resolved.json.url, { signal: AbortSignal.timeout(10_000) });
      expect(got.status).toBe(200);
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);

      const refused = await resolve(main, main.planner, created.artifact_id);
      expectErrorBody(refused, 403, 'forbidden');
      expect(refused.text).not.toContain(BUCKET);
    } finally {
      for (const s of streams) s.close();
    }
  });

  it('[CONTRACT 8] S3 refuses a tampered URL, another body, another size or another type', async () => {
    const bytes = new Uint8Array(randomBytes(4096));
    const created = await createSidecar(main, main.director, bytes);
    const { url, headers } = created.upload;
    const flipped = url.replace(
      /X-Amz-Signature=([0-9a-f])/,
      (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`,
    );
    expect(flipped).not.toBe(url);
    expect((await putTo(flipped, headers, bytes)).status).toBe(403);
    const expires = /X-Amz-Expires=(\d+)/.exec(url)?.[1];
    expect(expires).toBeDefined();
    const longer = url.replace(/X-Amz-Expires=\d+/, `X-Amz-Expires=${Number(expires) + 3600}`);
    expect(longer).not.toBe(url);
    expect((await putTo(longer, headers, bytes)).status).toBe(403);
    // Another key under the same prefix: the last character always changes (an id ending in '0'
    // once made this the same URL, and S3 rightly accepted it).
    const id = created.artifact_id;
    const otherId = `${id.slice(0, -1)}${id.endsWith('0') ? '1' : '0'}`;
    const otherKey = url.replace(`/artifacts/${id}?`, `/artifacts/${otherId}?`);
    expect(otherKey).not.toBe(url);
    expect(otherKey).toContain(`/artifacts/${otherId}?`);
    expect((await putTo(otherKey, headers, bytes)).status).toBe(403);

    const sameSizeOtherBytes = new Uint8Array(bytes);
    sameSizeOtherBytes[100] = sameSizeOtherBytes[100]! ^ 0xff;
    const wrongBody = await putTo(url, headers, sameSizeOtherBytes);
    expect(wrongBody.status).toBe(400);
    expect(wrongBody.text).toContain('SHA256Mismatch');
    expect((await putTo(url, headers, bytes.subarray(1))).status).toBe(403);
    expect((await putTo(url, { ...headers, 'content-type': 'image/jpeg' }, bytes)).status).toBe(403);
    const { 'x-amz-content-sha256': _h, ...withoutHash } = headers;
    expect((await putTo(url, withoutHash, bytes)).status).toBe(403);

    // Nothing was stored: completing is refused, and so is resolving.
    const done = await complete(main, main.director, created.artifact_id);
    expectErrorBody(done, 409, 'conflict');
    expect(done.json.error.details.reason).toBe('not_uploaded');
    expectErrorBody(await resolve(main, main.director, created.artifact_id), 409, 'conflict');
  });

  it('[CONTRACT 8] an expired PUT or GET URL is refused by S3', async () => {
    const short = await startGateway({ EASEL_SIDECAR_PUT_TTL_S: '1', EASEL_SIDECAR_GET_TTL_S: '1' });
    const s3 = adminS3();
    try {
      await short.world.newCanvas(short.admin, PROJECT, scope.canvas_id!);
      const bytes = new Uint8Array(randomBytes(1024));
      const late = await createSidecar(short, short.director, bytes);
      // A completed sidecar to resolve (stored with the store's keys, so no PUT has to beat the 1 s TTL).
      const stored = await createSidecar(short, short.director, bytes);
      await storeDirectly(s3, stored.artifact_id, bytes);
      expect((await complete(short, short.director, stored.artifact_id)).status).toBe(200);
      const resolved = await resolve(short, short.director, stored.artifact_id);
      expect(resolved.status).toBe(200);
      await new Promise((r) => setTimeout(r, 2500));
      const refusedPut = await putTo(late.upload.url, late.upload.headers, bytes);
      expect(refusedPut.status).toBe(403);
      expect(refusedPut.text).toContain('AccessDenied');
      expect((await fetch(resolved.json.url, { signal: AbortSignal.timeout(10_000) })).status).toBe(403);
    } finally {
      s3.destroy();
      await short.gateway.dispose();
    }
  });

  it('[CONTRACT 8] complete refuses an object of another size or checksum and emits nothing', async () => {
    const s3 = adminS3();
    const stream = new SseClient(main.world.streamUrl(scope), { token: main.director });
    try {
      await stream.waitFor((f) => f.event === 'CANVAS_READY');
      const bytes = new Uint8Array(randomBytes(2048));

      // Someone with the store's keys writes other bytes (with their honest hash) under the key.
      const otherBytes = new Uint8Array(randomBytes(2048));
      const a = await createSidecar(main, main.director, bytes);
      await storeDirectly(s3, a.artifact_id, otherBytes);
      const wrongSum = await complete(main, main.director, a.artifact_id);
      expectErrorBody(wrongSum, 409, 'conflict');
      expect(wrongSum.json.error.details).toMatchObject({
        reason: 'checksum_mismatch',
        expected: sha256(bytes),
        actual: sha256(otherBytes),
      });

      const b = await createSidecar(main, main.director, bytes);
      const shorter = bytes.subarray(0, 1000);
      await storeDirectly(s3, b.artifact_id, shorter);
      const wrongSize = await complete(main, main.director, b.artifact_id);
      expectErrorBody(wrongSize, 409, 'conflict');
      expect(wrongSize.json.error.details).toMatchObject({ reason: 'size_mismatch', expected: 2048, actual: 1000 });

      // A marker after both refusals arrives; no snapshot_created came before it.
      await main.world.commit(main.admin, 'token.set', scope, { token_id: 'plan.title', value: 'marker-refused' });
      await stream.waitFor((f) => f.event === 'token_patch' && f.json.payload.value === 'marker-refused');
      expect(stream.frames.filter(isSnapshot).map((f) => f.json.payload.artifact_id)).not.toEqual(
        expect.arrayContaining([a.artifact_id]),
      );
      expect(stream.frames.filter(isSnapshot)).toHaveLength(0);
    } finally {
      stream.close();
      s3.destroy();
    }
  });

  it('[CONTRACT 6] a planner never sees snapshot_created and gets 403 on resolve; a viewer cannot upload', async () => {
    const plannerStream = new SseClient(main.world.streamUrl(scope), { token: main.planner });
    try {
      await plannerStream.waitFor((f) => f.event === 'CANVAS_READY');
      const bytes = new Uint8Array(randomBytes(512));
      const created = await createSidecar(main, main.director, bytes);
      expect((await putTo(created.upload.url, created.upload.headers, bytes)).status).toBe(200);
      expect((await complete(main, main.director, created.artifact_id)).status).toBe(200);
      expectErrorBody(await resolve(main, main.planner, created.artifact_id), 403, 'forbidden');
      expectErrorBody(await resolve(main, main.planner, 'NOSUCHARTIFACT'), 403, 'forbidden');
      await main.world.commit(main.admin, 'token.set', scope, { token_id: 'plan.title', value: 'marker-planner' });
      await plannerStream.waitFor((f) => f.event === 'token_patch' && f.json.payload.value === 'marker-planner');
      expect(plannerStream.frames.some(isSnapshot)).toBe(false);

      const viewer = await main.gateway.token({ tenant: 'acme', sub: 'vic', roles: ['viewer'] });
      const denied = await api(main.gateway.url, 'POST', '/v1/sidecars', {
        token: viewer,
        body: { scope, mime: 'image/png', size: 1, sha256: sha256(new Uint8Array(1)) },
      });
      expectErrorBody(denied, 403, 'forbidden');
      const otherTenant = await main.gateway.token({ tenant: 'globex', sub: 'gil', roles: ['admin'] });
      expectErrorBody(await resolve(main, otherTenant, created.artifact_id), 403, 'tenant_mismatch');
    } finally {
      plannerStream.close();
    }
  });

  it('[CONTRACT 8] a job’s PNG output is stored in RGW by the gateway itself (PutObject) and resolves to the same bytes', async () => {
    const wb = main.world.scope(PROJECT, 'thumbs');
    await main.world.commit(main.admin, 'canvas.create', wb, { canvas_type: 'whiteboard', title: 'Thumbs' });
    await main.world.commit(main.admin, 'state.ops', wb, {
      ops: [{ op: 'insert', root: 'shapes', key: 'r1', value: { kind: 'rect', x: 0, y: 0, w: 40, h: 30 } }],
    });
    const posted = await api(main.gateway.url, 'POST', '/v1/jobs', {
      token: main.director,
      body: { scope: wb, device_requested: 'cpu', pipeline: ['whiteboard-thumbnail'], input: { canvas_frames: 1 } },
    });
    expect(posted.status).toBe(202);
    let job = posted.json;
    for (let i = 0; i < 100 && (job.status === 'queued' || job.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      job = (
        await api(main.gateway.url, 'GET', `/v1/jobs/${posted.json.job_id}?${projectQuery(wb)}`, {
          token: main.director,
        })
      ).json;
    }
    expect(job.status).toBe('succeeded');
    expect(job.warnings ?? []).toEqual([]);
    const ref = job.result[0].png_sidecar as { artifact_id: string; size: number; sha256: string };
    const resolved = await api(main.gateway.url, 'GET', `/v1/sidecars/${ref.artifact_id}?${projectQuery(wb)}`, {
      token: main.director,
    });
    expect(resolved.status).toBe(200);
    expect(resolved.json.url.startsWith(rgw.current.endpoint)).toBe(true);
    const bytes = new Uint8Array(await (await fetch(resolved.json.url)).arrayBuffer());
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.length).toBe(ref.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(ref.sha256);
  });
});
