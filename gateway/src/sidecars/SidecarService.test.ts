import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import type { Principal } from '../core/auth/Principal.ts';
import {
  ADMIN,
  command,
  DIRECTOR,
  harnessPerTest,
  PLANNER,
  SECTION_6_POLICY,
  scopeOf,
  VIEWER,
} from '../core/testing/coreHarness.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import { S3ObjectStore } from './S3ObjectStore.ts';
import { createS3Client } from './S3Settings.ts';
import { SIDECAR_RECORD_KIND, sidecarCompleteCommandId, sidecarRecordKey } from './SidecarRecord.ts';
import { SidecarService } from './SidecarService.ts';
import { type EmbeddedS3, startEmbeddedS3 } from './startEmbeddedS3.ts';

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));
const canvas = scopeOf('c1');
const { canvas_id: _c, ...project } = canvas;
const BYTES = new TextEncoder().encode('a small sidecar payload: not an event');
const SHA = createHash('sha256').update(BYTES).digest('hex');

let s3: EmbeddedS3;
let dir: string;
let service: SidecarService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'easel-s3-'));
  s3 = await startEmbeddedS3({ directory: dir, bucket: 'easel' });
});
afterAll(async () => {
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  const created = await h.core.submit(ADMIN, command('canvas.create', canvas, { canvas_type: 'board' }));
  if (!created.ok) throw new Error(created.error.message);
  const policy = await h.core.putLensPolicy(ADMIN, 'p1', SECTION_6_POLICY);
  if (!policy.ok) throw new Error(policy.error.message);
  service = new SidecarService({ core: h.core, store: new S3ObjectStore(s3.settings), verify: 'read' });
});

function request(over: Record<string, unknown> = {}) {
  return { scope: canvas, mime: 'text/plain', size: BYTES.length, sha256: SHA, ...over };
}

async function created(p: Principal = DIRECTOR, over: Record<string, unknown> = {}) {
  const r = await service.create(p, request(over));
  if (!r.ok) throw new Error(`create: ${r.error.code} ${r.error.message}`);
  return r.value;
}

async function put(upload: { url: string; headers: Record<string, string> }, body: Uint8Array = BYTES) {
  const { 'content-length': _len, ...headers } = upload.headers;
  const res = await fetch(upload.url, { method: 'PUT', headers, body: new Uint8Array(body) });
  expect(res.status).toBe(200);
}

const snapshots = () => h.events.filter((e) => e.type === 'snapshot_created');

describe('SidecarService (contract 8, lens of contract 6)', () => {
  it('[CONTRACT 8] create answers a PUT bound to size, type and checksum, and records the sidecar pending', async () => {
    const value = await created();
    expect(value.upload.method).toBe('PUT');
    expect(value.upload.url).toContain(`/easel/tenants/acme/projects/p1/artifacts/${value.artifact_id}?`);
    expect(value.upload.headers).toMatchObject({
      'content-type': 'text/plain',
      'content-length': String(BYTES.length),
      'x-amz-content-sha256': SHA,
      'x-amz-checksum-sha256': Buffer.from(SHA, 'hex').toString('base64'),
    });
    const signed = new URL(value.upload.url).searchParams.get('X-Amz-SignedHeaders')?.split(';');
    expect(signed).toEqual(expect.arrayContaining(['content-length', 'content-type', 'x-amz-content-sha256']));
    expect(Date.parse(value.expires_at) - Date.now()).toBeLessThanOrEqual(300_000);
    const record = JSON.parse(
      (await h.spine.getRecord(SIDECAR_RECORD_KIND, sidecarRecordKey('acme', 'p1', value.artifact_id)))!,
    );
    expect(record).toMatchObject({
      state: 'pending',
      owner: { id: DIRECTOR.actorId },
      size: BYTES.length,
      sha256: SHA,
    });
  });

  it('[CONTRACT 8] complete verifies the object and emits one durable snapshot_created with refs only', async () => {
    const value = await created();
    await put(value.upload);
    const done = await service.complete(DIRECTOR, value.artifact_id, { scope: canvas });
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    expect(done.value).toMatchObject({
      artifact_id: value.artifact_id,
      uri: `s3://easel/tenants/acme/projects/p1/artifacts/${value.artifact_id}`,
      mime: 'text/plain',
      size: BYTES.length,
      sha256: SHA,
    });
    expect(snapshots()).toHaveLength(1);
    const envelope = JSON.parse(snapshots()[0]!.envelope);
    expect(envelope.durable).toBe(true);
    expect(Object.keys(envelope.payload).sort()).toEqual([
      'artifact_id',
      'created_at',
      'mime',
      'sha256',
      'size',
      'uri',
    ]);
    expect(snapshots()[0]!.envelope).not.toContain(Buffer.from(BYTES).toString('base64'));
    expect(snapshots()[0]!.envelope).not.toContain('a small sidecar payload');

    const again = await service.complete(DIRECTOR, value.artifact_id, { scope: canvas });
    expect(again).toEqual(done);
    expect(snapshots()).toHaveLength(1);
  });

  it('[CONTRACT 8] concurrent completes of one upload emit one snapshot_created and answer alike', async () => {
    const value = await created();
    await put(value.upload);
    const answers = await Promise.all(
      [1, 2, 3].map(() => service.complete(DIRECTOR, value.artifact_id, { scope: canvas })),
    );
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(snapshots()).toHaveLength(1);
  });

  it('[CONTRACT 8] completes sent at once to two services on one spine (two nodes) emit one snapshot_created', async () => {
    // A second service: its own in-process queue of completes, as another node has.
    const other = new SidecarService({ core: h.core, store: new S3ObjectStore(s3.settings), verify: 'read' });
    try {
      for (let round = 0; round < 4; round++) {
        const value = await created();
        await put(value.upload);
        const before = snapshots().length;
        const answers = await Promise.all(
          [service, other, service, other].map((s) => s.complete(DIRECTOR, value.artifact_id, { scope: canvas })),
        );
        expect(answers.every((a) => a.ok)).toBe(true);
        expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
        expect(snapshots().length - before).toBe(1);
        const record = JSON.parse(
          (await h.spine.getRecord(SIDECAR_RECORD_KIND, sidecarRecordKey('acme', 'p1', value.artifact_id)))!,
        );
        expect(record.state).toBe('complete');
      }
    } finally {
      other.close();
    }
  });

  /**
   * An uploaded artifact whose record a node moved to `completing` (its payload fixed) and then
   * died: what the next complete must finish.
   */
  async function cutOffCompleting() {
    const value = await created();
    await put(value.upload);
    const key = sidecarRecordKey('acme', 'p1', value.artifact_id);
    const pending = JSON.parse((await h.spine.getRecord(SIDECAR_RECORD_KIND, key))!);
    const snapshot = {
      artifact_id: value.artifact_id,
      uri: `s3://easel/${pending.key}`,
      mime: 'text/plain',
      size: BYTES.length,
      sha256: SHA,
      created_at: '2026-01-02T03:04:05.000Z',
    };
    await h.spine.putRecord(SIDECAR_RECORD_KIND, key, JSON.stringify({ ...pending, state: 'completing', snapshot }));
    return { value, key, snapshot };
  }

  it('[CONTRACT 8] a complete cut off after fixing its payload, before its event, is finished by the next: one event', async () => {
    // What a node that died right after its compare-and-set left behind.
    const { value, key, snapshot } = await cutOffCompleting();
    const resolved = await service.resolve(DIRECTOR, value.artifact_id, project);
    expect(!resolved.ok && resolved.error.code).toBe('conflict');
    const done = await service.complete(DIRECTOR, value.artifact_id, { scope: canvas });
    if (!done.ok) throw new Error(`${done.error.code}: ${done.error.message}`);
    expect(done.value).toMatchObject(snapshot);
    expect(snapshots()).toHaveLength(1);
    expect(JSON.parse(snapshots()[0]!.envelope).payload).toEqual(snapshot);
    expect(JSON.parse((await h.spine.getRecord(SIDECAR_RECORD_KIND, key))!)).toMatchObject({
      state: 'complete',
      cursor: done.value.cursor,
    });
    expect(await service.complete(DIRECTOR, value.artifact_id, { scope: canvas })).toEqual(done);
    expect(snapshots()).toHaveLength(1);
  });

  it('[CONTRACT 8] a complete cut off after its event was durable, before marking the record, emits nothing more', async () => {
    const { value, snapshot } = await cutOffCompleting();
    // The dead node's append, under the artifact's idempotency key.
    const first = await h.core.appendEventsOnce(
      canvas,
      { id: DIRECTOR.actorId, kind: DIRECTOR.kind },
      [{ type: 'snapshot_created', payload: snapshot }],
      sidecarCompleteCommandId(value.artifact_id),
    );
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.duplicate).toBe(false);
    expect(snapshots()).toHaveLength(1);
    const done = await service.complete(DIRECTOR, value.artifact_id, { scope: canvas });
    if (!done.ok) throw new Error(`${done.error.code}: ${done.error.message}`);
    expect(done.value).toEqual({ ...snapshot, cursor: first.value.cursor });
    expect(snapshots()).toHaveLength(1);
  });

  it('[CONTRACT 8] a wrong body, or nothing uploaded, is refused at complete with a reason and emits nothing', async () => {
    const value = await created();
    const before = await service.complete(DIRECTOR, value.artifact_id, { scope: canvas });
    expect(before).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'not_uploaded' } } });
    const tampered = new Uint8Array(BYTES);
    tampered[0] = tampered[0]! ^ 1;
    await put(value.upload, tampered); // s3rver verifies nothing; the gateway reads the bytes back
    const after = await service.complete(DIRECTOR, value.artifact_id, { scope: canvas });
    expect(after).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'checksum_mismatch' } } });
    const shorter = await created();
    await put(shorter.upload, BYTES.subarray(1));
    expect(await service.complete(DIRECTOR, shorter.artifact_id, { scope: canvas })).toMatchObject({
      error: {
        code: 'conflict',
        details: { reason: 'size_mismatch', expected: BYTES.length, actual: BYTES.length - 1 },
      },
    });
    expect(snapshots()).toHaveLength(0);
  });

  it('[CONTRACT 6] creating needs a lens that may change the canvas; completing needs the uploader', async () => {
    expect(await service.create(VIEWER, request())).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const planner = await service.create(PLANNER, request()); // planner may run state.*: it may upload
    expect(planner.ok).toBe(true);
    const value = await created();
    await put(value.upload);
    expect(await service.complete(PLANNER, value.artifact_id, { scope: canvas })).toMatchObject({
      error: { code: 'forbidden' },
    });
    expect(snapshots()).toHaveLength(0);
  });

  it('[CONTRACT 6] resolve: presigned GET with sidecars.resolve, else 403 before revealing anything', async () => {
    const value = await created();
    await put(value.upload);
    expect(await service.resolve(DIRECTOR, value.artifact_id, project)).toMatchObject({
      error: { code: 'conflict', details: { reason: 'not_complete' } },
    });
    expect((await service.complete(DIRECTOR, value.artifact_id, { scope: canvas })).ok).toBe(true);
    const resolved = await service.resolve(DIRECTOR, value.artifact_id, project);
    if (!resolved.ok) throw new Error(resolved.error.message);
    const got = await fetch(resolved.value.url);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(BYTES);
    for (const id of [value.artifact_id, 'NOSUCHARTIFACT']) {
      expect(await service.resolve(PLANNER, id, project)).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect(await service.resolve(DIRECTOR, 'NOSUCHARTIFACT', project)).toMatchObject({ error: { code: 'not_found' } });
    expect(await service.resolve(ADMIN, value.artifact_id, { ...project, project_id: 'p2' })).toMatchObject({
      error: { code: 'not_found' },
    });
  });

  it('[CONTRACT 6] snapshot_created is projected only to lenses with sidecars.see', async () => {
    const value = await created();
    await put(value.upload);
    expect((await service.complete(DIRECTOR, value.artifact_id, { scope: canvas })).ok).toBe(true);
    const event = snapshots()[0]!;
    expect(h.core.projectEvent(await h.core.lensView(DIRECTOR, 'acme/p1'), event)).toBe(event.envelope);
    expect(h.core.projectEvent(await h.core.lensView(PLANNER, 'acme/p1'), event)).toBeNull();
  });

  it('[CONTRACT 2] another tenant is 403 tenant_mismatch; bad input is 400 naming the field; unknown canvas 404', async () => {
    const other: Principal = { ...DIRECTOR, tenantId: 'other' };
    expect(await service.create(other, request())).toMatchObject({ error: { code: 'tenant_mismatch' } });
    expect(await service.resolve(other, 'X1', project)).toMatchObject({ error: { code: 'tenant_mismatch' } });
    const bad = await service.create(DIRECTOR, request({ sha256: 'XYZ' }));
    expect(bad).toMatchObject({ error: { code: 'validation_failed' } });
    if (!bad.ok) expect(bad.error.message).toContain('sha256');
    expect(await service.create(DIRECTOR, request({ size: 0 }))).toMatchObject({
      error: { code: 'validation_failed' },
    });
    expect(await service.create(DIRECTOR, 'nope')).toMatchObject({ error: { code: 'validation_failed' } });
    expect(await service.complete(DIRECTOR, 'bad/id', { scope: canvas })).toMatchObject({
      error: { code: 'validation_failed' },
    });
    expect(await service.create(DIRECTOR, request({ scope: scopeOf('nope') }))).toMatchObject({
      error: { code: 'not_found' },
    });
  });

  it('[CONTRACT 3] an unreachable store is 503 unavailable, not a throw', async () => {
    const down = new SidecarService({
      core: h.core,
      store: new S3ObjectStore({ ...s3.settings, endpoint: 'http://127.0.0.1:9' }),
    });
    expect(await down.create(DIRECTOR, request())).toMatchObject({ error: { code: 'unavailable' } });
    down.close();
  });
});

/** Keys of the objects under the project's artifacts prefix (what S3 really holds). */
async function storedKeys(): Promise<string[]> {
  const client = createS3Client(s3.settings);
  try {
    const out = await client.send(
      new ListObjectsV2Command({ Bucket: s3.settings.bucket, Prefix: 'tenants/acme/projects/p1/artifacts/' }),
    );
    return (out.Contents ?? []).map((o) => o.Key ?? '');
  } finally {
    client.destroy();
  }
}

describe('SidecarService.storeBytes (server-side create + PUT + complete, contract 8)', () => {
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const PNG_SHA = createHash('sha256').update(PNG).digest('hex');

  it('[CONTRACT 8] stores the object, writes a complete record and appends exactly one snapshot_created', async () => {
    const before = await storedKeys();
    const stored = await service.storeBytes(DIRECTOR, canvas, PNG, 'image/png', { frameRange: { start: 2, end: 3 } });
    if (!stored.ok) throw new Error(`${stored.error.code}: ${stored.error.message}`);
    const id = stored.value.artifact_id;
    const key = `tenants/acme/projects/p1/artifacts/${id}`;
    expect(stored.value).toMatchObject({
      uri: `s3://easel/${key}`,
      mime: 'image/png',
      size: PNG.length,
      sha256: PNG_SHA,
      frame_range: { start: 2, end: 3 },
    });
    expect(await storedKeys()).toEqual([...before, key].sort());
    const store = new S3ObjectStore(s3.settings);
    expect(await store.head(key)).toMatchObject({ size: PNG.length, mime: 'image/png', declaredSha256: PNG_SHA });
    store.close();
    // The bytes come back through the public path: resolve, then GET the presigned URL.
    const resolved = await service.resolve(DIRECTOR, id, project);
    if (!resolved.ok) throw new Error(resolved.error.message);
    expect(new Uint8Array(await (await fetch(resolved.value.url)).arrayBuffer())).toEqual(PNG);
    const record = JSON.parse((await h.spine.getRecord(SIDECAR_RECORD_KIND, sidecarRecordKey('acme', 'p1', id)))!);
    expect(record).toMatchObject({
      state: 'complete',
      owner: { id: DIRECTOR.actorId, kind: DIRECTOR.kind },
      scope: canvas,
      key,
      size: PNG.length,
      sha256: PNG_SHA,
      cursor: stored.value.cursor,
    });
    expect(snapshots()).toHaveLength(1);
    const envelope = JSON.parse(snapshots()[0]!.envelope);
    expect(envelope).toMatchObject({ durable: true, scope: canvas, actor: { id: DIRECTOR.actorId } });
    const { cursor: _cursor, ...payload } = stored.value;
    expect(envelope.payload).toEqual(payload);
    expect(snapshots()[0]!.envelope).not.toContain(Buffer.from(PNG).toString('base64'));
    // A repeated complete of the stored artifact answers the same, emitting nothing more.
    expect(await service.complete(DIRECTOR, id, { scope: canvas })).toEqual(stored);
    expect(snapshots()).toHaveLength(1);
  });

  it('[CONTRACT 6] bytes computed from canvas content: only viewers reading all of it see the event or resolve it', async () => {
    const reviewer: Principal = { actorId: 'rev', tenantId: 'acme', kind: 'human', roles: ['reviewer'] };
    const policy = await h.core.putLensPolicy(ADMIN, 'p1', {
      ...SECTION_6_POLICY,
      roles: {
        ...SECTION_6_POLICY.roles,
        reviewer: {
          tokens: { read: ['*'], write: [] },
          state: { read: ['notes'], write: [] },
          sidecars: { see: true, resolve: true },
          commands: [],
        },
      },
    });
    if (!policy.ok) throw new Error(policy.error.message);
    const derivedFrom = { roots: ['shapes'], tokens: [], sidecars: false };
    const stored = await service.storeBytes(DIRECTOR, canvas, PNG, 'image/png', { derivedFrom });
    if (!stored.ok) throw new Error(stored.error.message);
    expect(stored.value).not.toHaveProperty('derived_from');
    const id = stored.value.artifact_id;
    const refused = await service.resolve(reviewer, id, project);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(!refused.ok && refused.error.message).toMatch(/computed from canvas content/);
    expect((await service.resolve(DIRECTOR, id, project)).ok).toBe(true);
    // The event: hidden from the reviewer, shown without the internal stamp to the director.
    const event = snapshots().at(-1)!;
    expect(h.core.projectEvent(await h.core.lensView(reviewer, 'acme/p1'), event)).toBeNull();
    const shown = h.core.projectEvent(await h.core.lensView(DIRECTOR, 'acme/p1'), event);
    expect(JSON.parse(shown!).payload).toEqual((({ cursor: _c, ...rest }) => rest)(stored.value));
    // An upload (no stamp) stays visible to the reviewer, as before.
    const plain = await service.storeBytes(DIRECTOR, canvas, PNG, 'image/png');
    if (!plain.ok) throw new Error(plain.error.message);
    expect(h.core.projectEvent(await h.core.lensView(reviewer, 'acme/p1'), snapshots().at(-1)!)).not.toBeNull();
    expect((await service.resolve(reviewer, plain.value.artifact_id, project)).ok).toBe(true);
  });

  it('[CONTRACT 6] a lens without canvas changes is refused: nothing stored, recorded or appended', async () => {
    const before = await storedKeys();
    expect(await service.storeBytes(VIEWER, canvas, PNG, 'image/png')).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const other: Principal = { ...DIRECTOR, tenantId: 'other' };
    expect(await service.storeBytes(other, canvas, PNG, 'image/png')).toMatchObject({
      error: { code: 'tenant_mismatch' },
    });
    expect(await service.storeBytes(DIRECTOR, scopeOf('nope'), PNG, 'image/png')).toMatchObject({
      error: { code: 'not_found' },
    });
    expect(await storedKeys()).toEqual(before);
    expect(await h.spine.listRecords(SIDECAR_RECORD_KIND, 'acme/p1/')).toEqual([]);
    expect(snapshots()).toHaveLength(0);
  });

  it('[CONTRACT 8] over the size limit (as create answers), empty or a bad type: 400, nothing stored', async () => {
    const small = new SidecarService({
      core: h.core,
      store: new S3ObjectStore(s3.settings),
      maxObjectBytes: PNG.length - 1,
    });
    const before = await storedKeys();
    const over = await small.storeBytes(DIRECTOR, canvas, PNG, 'image/png');
    expect(over).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    if (!over.ok) expect(over.error.message).toMatch(/^size: /);
    expect(await small.create(DIRECTOR, { ...request(), size: PNG.length })).toMatchObject({
      error: { code: 'validation_failed', message: over.ok ? '' : over.error.message },
    });
    expect(await small.storeBytes(DIRECTOR, canvas, PNG.subarray(0, PNG.length - 1), 'image/png')).toMatchObject({
      ok: true,
    });
    expect(await service.storeBytes(DIRECTOR, canvas, new Uint8Array(0), 'image/png')).toMatchObject({
      error: { code: 'validation_failed' },
    });
    expect(await service.storeBytes(DIRECTOR, canvas, PNG, 'not a type')).toMatchObject({
      error: { code: 'validation_failed' },
    });
    small.close();
    expect(await storedKeys()).toHaveLength(before.length + 1);
    expect(snapshots()).toHaveLength(1);
  });

  it('[CONTRACT 3] an unreachable store is 503 unavailable and appends nothing', async () => {
    const down = new SidecarService({
      core: h.core,
      store: new S3ObjectStore({ ...s3.settings, endpoint: 'http://127.0.0.1:9' }),
    });
    expect(await down.storeBytes(DIRECTOR, canvas, PNG, 'image/png')).toMatchObject({
      error: { code: 'unavailable' },
    });
    expect(snapshots()).toHaveLength(0);
    down.close();
  });
});
