import { createHash } from 'node:crypto';
import { CONTRACT_EXAMPLE_LENS_POLICY } from '@easel/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisChild, startRedisChild } from '../src/bus/redisTestHarness.ts';
import { type ApiResponse, api } from './harness/api.ts';
import { expectErrorBody } from './harness/expectErrorBody.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { rawExchange } from './harness/rawHttp.ts';
import { GatewayCluster } from './harness/GatewayCluster.ts';
import { SseClient } from './harness/SseClient.ts';
import { postTogether } from './harness/postTogether.ts';

// Hostile clients against the sidecar, job, plugin, run and turn-history routes of one real
// gateway process (embedded S3, the local model, the built-in plugins): every refusal is the
// contract §3 error with the exact status and code, nothing of it is applied, nothing of another
// tenant or past the lens (§6, §8) is visible, and the process never crashes.

const env = gatewayPerFile(
  {
    admin: { tenant: 'acme', sub: 'ann', roles: ['admin'] },
    admin2: { tenant: 'acme', sub: 'abe', roles: ['admin'] },
    admin3: { tenant: 'acme', sub: 'ada', roles: ['admin'] },
    editor: { tenant: 'acme', sub: 'eve', roles: ['editor'] },
    editor2: { tenant: 'acme', sub: 'eli', roles: ['editor'] },
    viewer: { tenant: 'acme', sub: 'vic', roles: ['viewer'] },
    stranger: { tenant: 'acme', sub: 'sam', roles: ['stranger'] },
    planner: { tenant: 'acme', sub: 'pat', roles: ['planner'] },
    intruder: { tenant: 'evil', sub: 'mal', roles: ['admin'] },
  },
  { env: { EASEL_LOCAL_TOKEN_DELAY_MS: '1' } },
);

const ULID_UNKNOWN = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
let scope: Record<string, string>;
let lensed: Record<string, string>;
let createdCursor: string;

beforeAll(async () => {
  scope = env.world.scope('p1', 'c1');
  createdCursor = (await env.world.commit(env.tokens.admin, 'canvas.create', scope, { canvas_type: 'board' })).cursor;
  const lens = await api(env.gateway.url, 'PUT', '/v1/projects/lensed/lens', {
    token: env.tokens.admin,
    body: CONTRACT_EXAMPLE_LENS_POLICY,
  });
  if (lens.status !== 200) throw new Error(`lens: ${lens.status} ${lens.text}`);
  lensed = env.world.scope('lensed', 'lc1');
  await env.world.commit(env.tokens.admin, 'canvas.create', lensed, { canvas_type: 'board' });
});

/** The scope as a query string, `canvas_id` left out unless `withCanvas`. */
function query(s: Record<string, string>, withCanvas = false): string {
  const { canvas_id, ...rest } = s;
  return new URLSearchParams(withCanvas && canvas_id ? { ...rest, canvas_id } : rest).toString();
}

function post(path: string, body: unknown, token = env.tokens.editor): Promise<ApiResponse> {
  return api(env.gateway.url, 'POST', path, { token, body });
}

/** A POST of exactly `raw` (not re-encoded), as `contentType`. */
function postRaw(path: string, raw: string, token = env.tokens.editor, contentType = 'application/json') {
  return api(env.gateway.url, 'POST', path, { token, rawBody: raw, headers: { 'content-type': contentType } });
}

/** A GET with `token` (the editor's by default; `null`: none). */
function get(path: string, token: string | null = env.tokens.editor): Promise<ApiResponse> {
  return api(env.gateway.url, 'GET', path, token ? { token } : {});
}

/** Asserts a §3 error with its status, code and a message matching `message`. */
function refused(res: ApiResponse, status: number, code: string, message: RegExp): void {
  expectErrorBody(res, status, code);
  expect(res.json.error.message).toMatch(message);
}

/**
 * One request with the request target sent byte for byte (no URL normalization of `..`,
 * `%2e%2e` or `%00`), on its own connection; its status and parsed JSON body.
 */
async function rawRequest(method: string, target: string, token: string, body?: string) {
  const head = [
    `${method} ${target} HTTP/1.1`,
    `Host: ${new URL(env.gateway.url).host}`,
    `Authorization: Bearer ${token}`,
    'Connection: close',
    ...(body !== undefined ? ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`] : []),
  ];
  const ex = await rawExchange(env.gateway.url, [`${head.join('\r\n')}\r\n\r\n${body ?? ''}`], 10_000);
  const res = ex.responses[0];
  if (!res) throw new Error(`no response to ${method} ${target.slice(0, 100)}`);
  return { status: res.status, json: JSON.parse(res.body) as { error: { code: string; message: string } } };
}

/**
 * POSTs `body` to `path` `n` times at once: every connection is open before any request is
 * written, then all are written in one go (so the gateway handles them side by side). The statuses
 * and parsed bodies, in order.
 */
function postAtOnce(baseUrl: string, token: string, n: number, path: string, body: unknown) {
  return postTogether(
    Array.from({ length: n }, () => baseUrl),
    token,
    path,
    body,
    15_000,
  );
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `POST /v1/sidecars` that must answer 201. */
async function createSidecar(token: string, s: Record<string, string>, bytes: Uint8Array) {
  const res = await post(
    '/v1/sidecars',
    { scope: s, mime: 'text/plain', size: bytes.length, sha256: sha256(bytes) },
    token,
  );
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
  return res.json as { artifact_id: string; upload: { url: string; headers: Record<string, string> } };
}

/** PUTs `body` to the presigned URL with its headers (fetch sets Content-Length from the body). */
async function upload(created: { upload: { url: string; headers: Record<string, string> } }, body: Uint8Array) {
  const { 'content-length': _length, ...headers } = created.upload.headers;
  const res = await fetch(created.upload.url, {
    method: 'PUT',
    headers,
    body: body as BodyInit,
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * The `snapshot_created` events of `artifactId` on `s`'s canvas stream, replayed from `after`, read
 * up to a marker commit made now (so everything appended before it has arrived).
 */
async function snapshotsOf(s: Record<string, string>, artifactId: string, after: string): Promise<number> {
  const marker = await env.world.commit(env.tokens.admin, 'canvas.commit', s, { message: `marker ${artifactId}` });
  const url = new URL(`/v1/canvases/${s.canvas_id}/events?${query(s)}`, env.gateway.url).toString();
  const sse = new SseClient(url, { token: env.tokens.admin, lastEventId: after });
  try {
    await sse.waitFor((f) => f.id === marker.cursor, 10_000, 'the marker commit');
    return sse.frames.filter((f) => f.event === 'snapshot_created' && f.json?.payload?.artifact_id === artifactId)
      .length;
  } finally {
    sse.close();
  }
}

describe('hostile clients: sidecars (contract §8, §6)', () => {
  it('[CONTRACT 3] create: wrong content types, bodies of the wrong JSON kind, missing and extra fields, out-of-range sizes are 400 naming what to fix', async () => {
    const ok = { scope, mime: 'text/plain', size: 11, sha256: 'a'.repeat(64) };
    const text = JSON.stringify(ok);
    refused(
      await api(env.gateway.url, 'POST', '/v1/sidecars', { token: env.tokens.editor, rawBody: text }),
      400,
      'validation_failed',
      /^Content-Type must be application\/json, not "text\/plain/,
    );
    refused(
      await postRaw('/v1/sidecars', text, env.tokens.editor, 'application/x-www-form-urlencoded'),
      400,
      'validation_failed',
      /^Content-Type must be application\/json/,
    );
    refused(await postRaw('/v1/sidecars', '[]'), 400, 'validation_failed', /must be a JSON object \{scope, mime/);
    for (const [kind, raw] of [
      ['a string', '"x"'],
      ['a number', '1'],
      ['null', 'null'],
    ]) {
      refused(await postRaw('/v1/sidecars', raw!), 400, 'validation_failed', new RegExp(`not ${kind}`));
    }
    refused(await post('/v1/sidecars', { ...ok, sha256: undefined }), 400, 'validation_failed', /^sha256: required/);
    refused(await post('/v1/sidecars', { ...ok, extra: 1 }), 400, 'validation_failed', /^extra: unknown field/);
    refused(await post('/v1/sidecars', { ...ok, sha256: 'A'.repeat(64) }), 400, 'validation_failed', /^sha256: /);
    refused(
      await post('/v1/sidecars', { ...ok, mime: `text/${'a'.repeat(100_000)}` }),
      400,
      'validation_failed',
      /^mime: must be a MIME type/,
    );
    const sizes: Array<[string, RegExp]> = [
      ['1e309', /^size: must be a number \(got Infinity\)/],
      ['-0', /^size: .*>=1/],
      ['0', /^size: .*>=1/],
      ['1.5', /^size: must be an integer/],
      ['18446744073709551616', /^size: Too big/],
      ['5368709121', /^size: Too big: .*<=5368709120/],
      ['"11"', /^size: must be a number \(got string\)/],
    ];
    for (const [size, message] of sizes) {
      refused(
        await postRaw('/v1/sidecars', text.replace('"size":11', `"size":${size}`)),
        400,
        'validation_failed',
        message,
      );
    }
    refused(
      await post('/v1/sidecars', { ...ok, frame_range: { start: 5, end: 1 } }),
      400,
      'validation_failed',
      /^frame_range\.end: start must not exceed end/,
    );
  });

  it('[CONTRACT 2] create for another tenant is 403 tenant_mismatch; a role that may change nothing is 403; a missing canvas 404', async () => {
    const ok = { scope, mime: 'text/plain', size: 11, sha256: 'a'.repeat(64) };
    refused(
      await post('/v1/sidecars', ok, env.tokens.intruder),
      403,
      'tenant_mismatch',
      /'acme' is not the token's tenant/,
    );
    refused(
      await post('/v1/sidecars', { ...ok, scope: { ...scope, tenant_id: 'evil' } }),
      403,
      'tenant_mismatch',
      /'evil' is not the token's tenant/,
    );
    refused(await post('/v1/sidecars', ok, env.tokens.viewer), 403, 'forbidden', /your lens allows no canvas changes/);
    refused(
      await post('/v1/sidecars', ok, env.tokens.stranger),
      403,
      'forbidden',
      /your lens allows no canvas changes/,
    );
    refused(
      await post('/v1/sidecars', { ...ok, scope: { ...scope, canvas_id: 'nope' } }),
      404,
      'not_found',
      /canvas 'nope' does not exist/,
    );
    expectErrorBody(await api(env.gateway.url, 'POST', '/v1/sidecars', { body: ok }), 401, 'unauthenticated');
  });

  it('[CONTRACT 8] complete: a lying size or checksum is 409 with its reason and emits nothing; other tenants, projects, canvases, actors and extra fields are refused; then the true bytes complete once', async () => {
    const bytes = Buffer.from('hello sidecar');
    const created = await createSidecar(env.tokens.editor, scope, bytes);
    const id = created.artifact_id;
    const complete = (body: unknown, token = env.tokens.editor) => post(`/v1/sidecars/${id}/complete`, body, token);
    const resolvePath = `/v1/sidecars/${id}?${query(scope)}`;

    const notUploaded = await complete({ scope });
    refused(notUploaded, 409, 'conflict', /nothing was uploaded under this artifact yet/);
    expect(notUploaded.json.error.details.reason).toBe('not_uploaded');

    expect(await upload(created, Buffer.from('hello sidecaR'))).toBe(200); // same size, other bytes
    const wrongSha = await complete({ scope });
    refused(wrongSha, 409, 'conflict', /another SHA-256 than declared/);
    expect(wrongSha.json.error.details).toMatchObject({ reason: 'checksum_mismatch', expected: sha256(bytes) });

    expect(await upload(created, Buffer.from('hello sidecar, and more'))).toBe(200);
    const wrongSize = await complete({ scope });
    refused(wrongSize, 409, 'conflict', /another size than declared/);
    expect(wrongSize.json.error.details).toMatchObject({ reason: 'size_mismatch', expected: bytes.length });

    const pending = await get(resolvePath);
    refused(pending, 409, 'conflict', /is not complete yet/);
    expect(pending.json.error.details.reason).toBe('not_complete');

    expect(await upload(created, bytes)).toBe(200);
    // Fields the create fixed cannot be re-sent here (they would not count): 400, not completed.
    refused(
      await complete({ scope, size: bytes.length, sha256: sha256(bytes) }),
      400,
      'validation_failed',
      /^size: unknown field; remove it; sha256: unknown field; remove it/,
    );
    refused(await get(resolvePath), 409, 'conflict', /is not complete yet/);
    refused(await complete([scope]), 400, 'validation_failed', /must be a JSON object \{scope\}/);
    refused(
      await postRaw(`/v1/sidecars/${id}/complete`, JSON.stringify({ scope }), env.tokens.editor, 'text/json'),
      400,
      'validation_failed',
      /^Content-Type must be application\/json, not "text\/json"/,
    );
    refused(await postRaw(`/v1/sidecars/${id}/complete`, 'null'), 400, 'validation_failed', /not null/);
    refused(await complete({}), 400, 'validation_failed', /^scope: required/);
    refused(await complete({ scope }, env.tokens.intruder), 403, 'tenant_mismatch', /not the token's tenant/);
    refused(
      await complete({ scope: { ...scope, tenant_id: 'evil' } }, env.tokens.intruder),
      404,
      'not_found',
      new RegExp(`sidecar '${id}' does not exist in this project`),
    );
    refused(
      await complete({ scope: { ...scope, project_id: 'p2' } }),
      404,
      'not_found',
      /does not exist in this project/,
    );
    refused(
      await complete({ scope: { ...scope, canvas_id: 'c2' } }),
      404,
      'not_found',
      /does not exist in this project/,
    );
    refused(await complete({ scope }, env.tokens.editor2), 403, 'forbidden', /only the actor that created the sidecar/);
    refused(await complete({ scope }, env.tokens.viewer), 403, 'forbidden', /only the actor that created the sidecar/);
    expect(await snapshotsOf(scope, id, createdCursor)).toBe(0);

    const done = await complete({ scope });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ artifact_id: id, size: bytes.length, sha256: sha256(bytes) });
    const again = await complete({ scope });
    expect(again.status).toBe(200);
    expect(again.json.cursor).toBe(done.json.cursor);
    expect(await snapshotsOf(scope, id, createdCursor)).toBe(1);
    const resolved = await get(resolvePath);
    expect(resolved.status).toBe(200);
    const bytesBack = await fetch(resolved.json.url, { signal: AbortSignal.timeout(10_000) });
    expect(Buffer.from(await bytesBack.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('[CONTRACT 8] completes sent at once by the uploader and admins emit exactly one snapshot_created and all answer its cursor', async () => {
    const bytes = Buffer.from('raced sidecar bytes');
    const created = await createSidecar(env.tokens.editor, scope, bytes);
    expect(await upload(created, bytes)).toBe(200);
    const tokens = [env.tokens.editor, env.tokens.admin, env.tokens.admin2, env.tokens.admin3];
    const answers = await Promise.all(
      tokens.map((token) => post(`/v1/sidecars/${created.artifact_id}/complete`, { scope }, token)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(await snapshotsOf(scope, created.artifact_id, createdCursor)).toBe(1);
    expect(new Set(answers.map((a) => a.json.cursor)).size).toBe(1);
  });

  it('[CONTRACT 6] resolve: unknown, another tenant’s or another canvas’s artifact is 404; a lens without resolve is 403 whether it exists or not; bad ids and repeated parameters are 400', async () => {
    const bytes = Buffer.from('lensed bytes');
    const created = await createSidecar(env.tokens.admin, lensed, bytes);
    expect(await upload(created, bytes)).toBe(200);
    expect(
      (await post(`/v1/sidecars/${created.artifact_id}/complete`, { scope: lensed }, env.tokens.admin)).status,
    ).toBe(200);
    const id = created.artifact_id;
    const q = query(lensed);
    expect((await get(`/v1/sidecars/${id}?${q}`, env.tokens.admin)).status).toBe(200);
    // The planner's lens (sidecars.resolve false) is refused before the artifact is looked up.
    refused(await get(`/v1/sidecars/${id}?${q}`, env.tokens.planner), 403, 'forbidden', /sidecars\.resolve/);
    refused(await get(`/v1/sidecars/${ULID_UNKNOWN}?${q}`, env.tokens.planner), 403, 'forbidden', /sidecars\.resolve/);
    refused(await get(`/v1/sidecars/${ULID_UNKNOWN}?${q}`, env.tokens.admin), 404, 'not_found', /does not exist/);
    refused(
      await get(`/v1/sidecars/${id}?${q}&canvas_id=c1`, env.tokens.admin),
      404,
      'not_found',
      /does not exist in this project/,
    );
    refused(await get(`/v1/sidecars/${id}?${query(scope)}`, env.tokens.admin), 404, 'not_found', /does not exist/);
    refused(
      await get(`/v1/sidecars/${id}?${q}`, env.tokens.intruder),
      403,
      'tenant_mismatch',
      /not the token's tenant/,
    );
    refused(
      await get(`/v1/sidecars/${id}?${query({ ...lensed, tenant_id: 'evil' })}`, env.tokens.intruder),
      404,
      'not_found',
      /does not exist in this project/,
    );
    refused(
      await get(`/v1/sidecars/${id}?${q}&tenant_id=evil`, env.tokens.admin),
      400,
      'validation_failed',
      /^query\.tenant_id: must be a string \(got array\)/,
    );
    refused(await get(`/v1/sidecars/${id}`, env.tokens.admin), 400, 'validation_failed', /^query\.tenant_id: required/);
    refused(
      await get(`/v1/sidecars/${id}?${q}&access_token=${env.tokens.admin}`, null),
      401,
      'unauthenticated',
      /accepted only on SSE streams/,
    );
    // `..` is a well-formed opaque id that names no record: 404, and nothing outside the project is read.
    const dots = await rawRequest('GET', `/v1/sidecars/%2e%2e?${q}`, env.tokens.admin);
    expect({ status: dots.status, code: dots.json.error.code, message: dots.json.error.message }).toEqual({
      status: 404,
      code: 'not_found',
      message: "sidecar '..' does not exist in this project",
    });
    for (const bad of [
      '..%2F..%2Fetc%2Fpasswd',
      '%2e%2e%2f%2e%2e',
      '%00',
      'a%00b',
      'x'.repeat(3000),
      '%C3%A9t%C3%A9',
      '%F0%9F%98%80',
    ]) {
      const res = await rawRequest('GET', `/v1/sidecars/${bad}?${q}`, env.tokens.admin);
      expect({ bad: bad.slice(0, 20), status: res.status, code: res.json.error.code }).toEqual({
        bad: bad.slice(0, 20),
        status: 400,
        code: 'validation_failed',
      });
      expect(res.json.error.message).toMatch(/^artifact_id: must be the id POST \/v1\/sidecars returned/);
      const completed = await rawRequest(
        'POST',
        `/v1/sidecars/${bad}/complete`,
        env.tokens.admin,
        JSON.stringify({ scope: lensed }),
      );
      expect({ status: completed.status, code: completed.json.error.code }).toEqual({
        status: 400,
        code: 'validation_failed',
      });
    }
    const undecodable = await rawRequest('GET', `/v1/sidecars/%ZZ?${q}`, env.tokens.admin);
    expect({ status: undecodable.status, code: undecodable.json.error.code }).toEqual({
      status: 400,
      code: 'validation_failed',
    });
  });
});

describe('hostile clients: jobs and plugins (contract §9)', () => {
  const job = () => ({ scope, pipeline: ['canvas-stats'], device_requested: 'cpu', input: {} });

  it('[CONTRACT 3] job submissions of the wrong kind, with extra fields, numbers out of range or inputs naming sidecars are 400 naming what to fix; none is created', async () => {
    const text = JSON.stringify({ ...job(), fps: 2 });
    refused(
      await postRaw('/v1/jobs', text, env.tokens.editor, 'text/plain'),
      400,
      'validation_failed',
      /^Content-Type/,
    );
    refused(await postRaw('/v1/jobs', '[]'), 400, 'validation_failed', /^\(body\): must be a JSON object/);
    refused(await postRaw('/v1/jobs', '"job"'), 400, 'validation_failed', /not a string/);
    refused(await postRaw('/v1/jobs', '7'), 400, 'validation_failed', /not a number/);
    refused(await postRaw('/v1/jobs', 'null'), 400, 'validation_failed', /not null/);
    refused(await post('/v1/jobs', { ...job(), extra: true }), 400, 'validation_failed', /^extra: unknown field/);
    refused(await post('/v1/jobs', { ...job(), scope: 'acme' }), 400, 'validation_failed', /^scope: required/);
    refused(await post('/v1/jobs', { ...job(), pipeline: undefined }), 400, 'validation_failed', /^pipeline: required/);
    const numbers: Array<[string, string, RegExp]> = [
      [
        '"input":{}',
        '"input":{"params":{"canvas-stats":{"x":1e309}}}',
        /^input\.params\.canvas-stats\.x: number out of range \(not a finite double\)/,
      ],
      ['"fps":2', '"fps":1e309', /^fps: number out of range \(not a finite double\)/],
      ['"fps":2', '"fps":-0', /^fps: .*>0/],
      ['"input":{}', '"input":{"canvas_frames":18446744073709551616}', /^input\.canvas_frames: Too big/],
    ];
    for (const [from, to, message] of numbers) {
      refused(await postRaw('/v1/jobs', text.replace(from, to)), 400, 'validation_failed', message);
    }
    // Inputs cannot name sidecars (nor anything but inline frames and the project's canvases).
    refused(
      await post('/v1/jobs', { ...job(), input: { sidecar: ULID_UNKNOWN } }),
      400,
      'validation_failed',
      /^input\.sidecar: unknown field/,
    );
    refused(
      await post('/v1/jobs', { ...job(), input: { frames: [{ kind: 'sidecar', artifact_id: ULID_UNKNOWN }] } }),
      400,
      'validation_failed',
      /^input\.frames\[0\]\.kind: must be \{kind: "image"/,
    );
    refused(
      await post('/v1/jobs', {
        ...job(),
        input: { frames: [{ kind: 'image', mime: 'image/png', data_base64: 'data:image/png;base64,AAAA' }] },
      }),
      400,
      'validation_failed',
      /^input\.frames\[0\]\.data_base64: must be base64/,
    );
    refused(
      await post('/v1/jobs', { ...job(), input: { canvas_id: '../c1' } }),
      400,
      'validation_failed',
      /^input\.canvas_id: /,
    );
    refused(
      await post('/v1/jobs', { ...job(), pipeline: ['x'.repeat(100_000)] }),
      400,
      'validation_failed',
      /^pipeline\[0\]: must be "plugin" or "plugin\.tool"/,
    );
    refused(
      await post('/v1/jobs', { ...job(), pipeline: ['constructor'] }),
      400,
      'validation_failed',
      /no plugin named "constructor"/,
    );
    refused(
      await post('/v1/jobs', { ...job(), pipeline: ['canvas-stats.constructor'] }),
      400,
      'validation_failed',
      /has no tool "constructor"/,
    );
    refused(
      await post('/v1/jobs', { ...job(), input: { params: { toString: {} } } }),
      400,
      'validation_failed',
      /^input\.params\.toString: not a stage of the pipeline/,
    );
    refused(
      await post('/v1/jobs', { ...job(), scope: { ...scope, job_id: '../x' } }),
      400,
      'validation_failed',
      /^scope\.job_id: must be a slug/,
    );
    // Refusals with a chosen job id: none of them was created.
    const chosen = { ...scope, job_id: 'never-made' };
    refused(await post('/v1/jobs', { ...job(), scope: chosen, extra: 1 }), 400, 'validation_failed', /unknown field/);
    refused(
      await post('/v1/jobs', { ...job(), scope: chosen }, env.tokens.viewer),
      403,
      'forbidden',
      /may not run plugins or jobs/,
    );
    refused(
      await post('/v1/jobs', { ...job(), scope: chosen }, env.tokens.stranger),
      403,
      'forbidden',
      /may not run plugins/,
    );
    refused(
      await post('/v1/jobs', { ...job(), scope: chosen }, env.tokens.intruder),
      403,
      'tenant_mismatch',
      /not the token's/,
    );
    refused(await get(`/v1/jobs/never-made?${query(scope)}`), 404, 'not_found', /no job 'never-made' in project 'p1'/);
  });

  it('[CONTRACT 2] another tenant never sees, cancels or deletes a job; conflicting and repeated query parameters are 400', async () => {
    const accepted = await post('/v1/jobs', job());
    expect(accepted.status).toBe(202);
    const id = accepted.json.job_id as string;
    const q = query(scope);
    refused(
      await get(`/v1/jobs/${id}?${query({ ...scope, tenant_id: 'evil' })}`, env.tokens.intruder),
      404,
      'not_found',
      /no job/,
    );
    refused(await get(`/v1/jobs/${id}?${q}`, env.tokens.intruder), 403, 'tenant_mismatch', /not the token's tenant/);
    refused(await get(`/v1/jobs/${id}?${query({ ...scope, project_id: 'p2' })}`), 404, 'not_found', /in project 'p2'/);
    for (const method of ['DELETE', 'PATCH']) {
      const res = await api(env.gateway.url, method, `/v1/jobs/${id}?${q}`, { token: env.tokens.intruder });
      refused(res, 404, 'not_found', new RegExp(`^no route ${method} /v1/jobs/`));
    }
    refused(await post(`/v1/jobs/${id}/cancel`, { scope }, env.tokens.intruder), 404, 'not_found', /^no route POST/);
    refused(await post(`/v1/jobs/${id}:cancel`, { scope }, env.tokens.intruder), 404, 'not_found', /^no route POST/);
    // A query naming another job than the path is refused, as the canvas routes refuse another canvas.
    refused(
      await get(`/v1/jobs/${id}?${q}&job_id=other-job`),
      400,
      'validation_failed',
      new RegExp(`^scope\\.job_id: differs from the path's '${id}' \\(given 'other-job'\\)`),
    );
    expect((await get(`/v1/jobs/${id}?${q}&job_id=${id}`)).status).toBe(200);
    refused(
      await get(`/v1/jobs/${id}?${q}&project_id=p1`),
      400,
      'validation_failed',
      /^scope\.project_id: must be a string \(got array\)/,
    );
    refused(await get(`/v1/jobs/${id}?${q}&access_token=${env.tokens.editor}`, null), 401, 'unauthenticated', /SSE/);
    for (const bad of ['%2e%2e', '%00', 'x'.repeat(3000), '%F0%9F%98%80', 'A%2FB']) {
      const res = await rawRequest('GET', `/v1/jobs/${bad}?${q}`, env.tokens.editor);
      expect({ status: res.status, code: res.json.error.code, message: res.json.error.message }).toEqual({
        status: 400,
        code: 'validation_failed',
        message: 'job_id: must be a slug or a ULID',
      });
    }
    const mine = await get(`/v1/jobs/${id}?${q}`);
    expect(mine.status).toBe(200);
    expect(['queued', 'running', 'succeeded']).toContain(mine.json.status);
  });

  it('[CONTRACT 9] plugin routes: odd names are 404 (never a prototype property), bodies of the wrong kind 400, a role without commands 403', async () => {
    const invoke = (name: string, tool: string, body: unknown, token = env.tokens.editor) =>
      post(`/v1/plugins/${name}/tools/${tool}:invoke`, body, token);
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      refused(await get(`/v1/plugins/${name}`), 404, 'not_found', new RegExp(`no plugin named "${name}"`));
      refused(await get(`/v1/plugins/${name}/health`), 404, 'not_found', /is loaded/);
      refused(await invoke(name, 'x', { scope, input: {} }), 404, 'not_found', /is loaded/);
      refused(await invoke('canvas-stats', name, { scope, input: {} }), 404, 'not_found', /has no tool/);
    }
    for (const bad of ['%2e%2e%2fcanvas-stats', '%00', 'x'.repeat(3000), '%F0%9F%98%80']) {
      const res = await rawRequest('GET', `/v1/plugins/${bad}/health`, env.tokens.editor);
      expect({ status: res.status, code: res.json.error.code }).toEqual({ status: 404, code: 'not_found' });
      expect(res.json.error.message.length).toBeLessThan(300);
    }
    refused(
      await postRaw('/v1/plugins/canvas-stats/tools/stats:invoke', '[]'),
      400,
      'validation_failed',
      /\{scope, input\}/,
    );
    refused(
      await postRaw('/v1/plugins/canvas-stats/tools/stats:invoke', '1'),
      400,
      'validation_failed',
      /not a number/,
    );
    const invokeText = JSON.stringify({ scope, input: {} });
    refused(
      await postRaw(
        '/v1/plugins/canvas-stats/tools/stats:invoke',
        invokeText,
        env.tokens.editor,
        'multipart/form-data',
      ),
      400,
      'validation_failed',
      /^Content-Type must be application\/json/,
    );
    refused(await invoke('canvas-stats', 'stats', { scope }), 400, 'validation_failed', /^input: required/);
    refused(
      await invoke('canvas-stats', 'stats', { scope, input: {}, extra: 1 }),
      400,
      'validation_failed',
      /^extra: unknown/,
    );
    refused(
      await postRaw(
        '/v1/plugins/canvas-stats/tools/stats:invoke',
        `{"scope":${JSON.stringify(scope)},"input":{"a":[1e309]}}`,
      ),
      400,
      'validation_failed',
      /^input\.a\[0\]: number out of range/,
    );
    refused(
      await invoke('canvas-stats', 'stats', { scope, input: {} }, env.tokens.stranger),
      403,
      'forbidden',
      /no commands/,
    );
    refused(
      await invoke('canvas-stats', 'stats', { scope, input: {} }, env.tokens.intruder),
      403,
      'tenant_mismatch',
      /tenant/,
    );
    const list = await api(env.gateway.url, 'GET', '/v1/plugins?x=1&x=2', { token: env.tokens.viewer });
    expect(list.status).toBe(200);
    expectErrorBody(await get('/v1/plugins', null), 401, 'unauthenticated');
  });
});

describe('hostile clients: runs and turn history (contract §10, §4)', () => {
  const task = () => ({
    goal: 'add a note',
    budget: { tokens: 1000, time_ms: 5000, width: 1, reflection: 0 },
    verify: {},
  });

  it('[CONTRACT 10] run requests of the wrong kind, with extra fields or numbers out of range are 400 with the path; a viewer or stranger 403; none is created', async () => {
    const text = JSON.stringify({ scope: { ...scope, run_id: 'never-run' }, task: task() });
    refused(
      await postRaw('/v1/runs', text, env.tokens.editor, 'text/plain'),
      400,
      'validation_failed',
      /^Content-Type/,
    );
    refused(await postRaw('/v1/runs', '[]'), 400, 'validation_failed', /^\(body\): must be an object \(got array\)/);
    refused(await postRaw('/v1/runs', 'null'), 400, 'validation_failed', /not null/);
    refused(await postRaw('/v1/runs', '"run"'), 400, 'validation_failed', /not a string/);
    const cases: Array<[string, string, RegExp]> = [
      ['"verify":{}', '"verify":{},"inputs":{"a":[2,1e309]}', /^task\.inputs\.a\[1\]: number out of range/],
      ['"tokens":1000', '"tokens":1e309', /^task\.budget\.tokens: number out of range \(not a finite double\)/],
      ['"tokens":1000', '"tokens":18446744073709551616', /^task\.budget\.tokens: Too big/],
      ['"tokens":1000', '"tokens":-0', /^task\.budget\.tokens: .*>=1/],
      ['"width":1', '"width":1e309', /^task\.budget\.width: number out of range/],
      ['"verify":{}', '"verify":{},"extra":1', /^task\.extra: unknown field/],
      ['"goal":"add a note"', `"goal":"${'g'.repeat(30_000)}"`, /^task\.goal: Too big/],
      ['"run_id":"never-run"', '"run_id":"../x"', /^scope\.run_id: must be a slug/],
    ];
    for (const [from, to, message] of cases) {
      expect(text).toContain(from);
      refused(await postRaw('/v1/runs', text.replace(from, to)), 400, 'validation_failed', message);
    }
    refused(await postRaw('/v1/runs', text, env.tokens.viewer), 403, 'forbidden', /run\.create/);
    refused(await postRaw('/v1/runs', text, env.tokens.stranger), 403, 'forbidden', /run\.create/);
    refused(await postRaw('/v1/runs', text, env.tokens.intruder), 403, 'tenant_mismatch', /not the token's tenant/);
    refused(await get(`/v1/runs/never-run?${query(scope)}`), 404, 'not_found', /no run 'never-run' in project 'p1'/);
  });

  it('[CONTRACT 2] another tenant never sees, streams, cancels or deletes a run; conflicting and repeated query parameters are 400', async () => {
    const created = await post('/v1/runs', { scope, task: task() });
    expect(created.status).toBe(201);
    const id = created.json.run_id as string;
    const q = query(scope);
    const theirs = query({ ...scope, tenant_id: 'evil' });
    refused(await get(`/v1/runs/${id}?${theirs}`, env.tokens.intruder), 404, 'not_found', /no run/);
    refused(await get(`/v1/runs/${id}/events?${theirs}`, env.tokens.intruder), 404, 'not_found', /no run/);
    refused(await get(`/v1/runs/${id}?${q}`, env.tokens.intruder), 403, 'tenant_mismatch', /not the token's tenant/);
    refused(await get(`/v1/runs/${id}?${query({ ...scope, project_id: 'p2' })}`), 404, 'not_found', /in project 'p2'/);
    for (const method of ['DELETE', 'PATCH']) {
      const res = await api(env.gateway.url, method, `/v1/runs/${id}?${q}`, { token: env.tokens.intruder });
      refused(res, 404, 'not_found', new RegExp(`^no route ${method} /v1/runs/`));
    }
    refused(await post(`/v1/runs/${id}/cancel`, { scope }, env.tokens.intruder), 404, 'not_found', /^no route POST/);
    refused(await post(`/v1/runs/${id}/events`, { scope }), 404, 'not_found', /^no route POST/);
    const conflict = new RegExp(`^scope\\.run_id: differs from the path's '${id}' \\(given 'other-run'\\)`);
    refused(await get(`/v1/runs/${id}?${q}&run_id=other-run`), 400, 'validation_failed', conflict);
    refused(await get(`/v1/runs/${id}/events?${q}&run_id=other-run`), 400, 'validation_failed', conflict);
    expect((await get(`/v1/runs/${id}?${q}&run_id=${id}`)).status).toBe(200);
    refused(
      await get(`/v1/runs/${id}?${q}&mode=edit`),
      400,
      'validation_failed',
      /^scope\.mode: must be a string \(got array\)/,
    );
    refused(
      await get(`/v1/runs/${id}/events?${q}&after=a&after=b`),
      400,
      'validation_failed',
      /\?after= must be given once/,
    );
    refused(await get(`/v1/runs/${id}?${q}&access_token=${env.tokens.editor}`, null), 401, 'unauthenticated', /SSE/);
    for (const bad of ['%2e%2e', '%00', 'x'.repeat(3000), '%C3%A9t%C3%A9']) {
      for (const suffix of ['', '/events']) {
        const res = await rawRequest('GET', `/v1/runs/${bad}${suffix}?${q}`, env.tokens.editor);
        expect({ status: res.status, code: res.json.error.code, message: res.json.error.message }).toEqual({
          status: 400,
          code: 'validation_failed',
          message: 'run_id: must be a slug or a ULID',
        });
      }
    }
    expect((await get(`/v1/runs/${id}?${q}`)).status).toBe(200);
  });

  it('[CONTRACT 3] turn history: bad, huge, negative-zero and repeated limits, a conflicting canvas and repeated scope parameters are 400; other tenants 403 / 404', async () => {
    const q = query(scope);
    const path = (extra: string) => `/v1/canvases/c1/turns?${q}${extra}`;
    expect((await get(path(''))).json).toEqual({ events: [], complete: true });
    for (const limit of ['1e309', '-0', '0', '51', '18446744073709551616', '', '5.0', '0x10', '%2B5', '%205']) {
      refused(
        await get(path(`&limit=${limit}`)),
        400,
        'validation_failed',
        /^limit: must be an integer from 1 to 50, not "/,
      );
    }
    refused(await get(path('&limit=1&limit=2')), 400, 'validation_failed', /^limit: given 2 times; send it once/);
    refused(
      await get(path('&canvas_id=c2')),
      400,
      'validation_failed',
      /^scope\.canvas_id: differs from the path's 'c1'/,
    );
    refused(
      await get(path('&project_id=p2')),
      400,
      'validation_failed',
      /^scope\.project_id: must be a string \(got array\)/,
    );
    refused(await get(path(''), env.tokens.intruder), 403, 'tenant_mismatch', /not the token's tenant/);
    refused(
      await get(`/v1/canvases/c1/turns?${query({ ...scope, tenant_id: 'evil' })}`, env.tokens.intruder),
      404,
      'not_found',
      /canvas 'c1' does not exist/,
    );
    refused(await get(`/v1/canvases/nope/turns?${q}`), 404, 'not_found', /does not exist/);
    refused(await get(path(`&access_token=${env.tokens.editor}`), null), 401, 'unauthenticated', /SSE/);
    for (const bad of ['%2e%2e', '%00', 'x'.repeat(3000)]) {
      const res = await rawRequest('GET', `/v1/canvases/${bad}/turns?${q}`, env.tokens.editor);
      expect({ status: res.status, code: res.json.error.code }).toEqual({ status: 400, code: 'validation_failed' });
      expect(res.json.error.message).toMatch(/^scope\.canvas_id: /);
    }
  });

  it('[CONTRACT 3] after all of it the gateway is alive and logged no stack trace and no unexpected error', async () => {
    expect(env.gateway.running).toBe(true);
    expect((await get('/healthz', null)).status).toBe(200);
    expect((await get('/readyz', null)).status).toBe(200);
    expect(env.gateway.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(env.gateway.output).not.toMatch(/"level":(50|60)/);
  });
});

describe('hostile clients on the scale-out engines (PostgreSQL + Redis, contract §9, §10)', () => {
  let redis: RedisChild | undefined;
  let cluster: GatewayCluster | undefined;
  let editor: string;
  const pgScope = {
    tenant_id: 'acme',
    project_id: 'hostile',
    app_id: 'test-app',
    surface_id: 'main',
    mode: 'edit',
    canvas_id: 'c1',
  };
  beforeAll(async () => {
    redis = await startRedisChild();
    cluster = await GatewayCluster.start({ nodes: 1, redisUrl: redis.url, env: { EASEL_LOCAL_TOKEN_DELAY_MS: '1' } });
    editor = await cluster.node(0).token({ tenant: 'acme', sub: 'eve', roles: ['editor'] });
    const created = await api(cluster.node(0).url, 'POST', '/v1/commands', {
      token: editor,
      body: { command_id: 'hostile-create', type: 'canvas.create', scope: pgScope, payload: { canvas_type: 'board' } },
    });
    if (created.status !== 200) throw new Error(`canvas.create: ${created.status} ${created.text}`);
  }, 120_000);
  afterAll(async () => {
    await cluster?.dispose();
    await redis?.stop();
  });

  it('[CONTRACT 9] [CONTRACT 10] one chosen job or run id sent four times at once: one is accepted, three are 409 conflict', async () => {
    const url = cluster!.node(0).url;
    const jobBody = {
      scope: { ...pgScope, job_id: 'chosen-once' },
      pipeline: ['canvas-stats'],
      device_requested: 'cpu',
      input: {},
    };
    const jobs = await postAtOnce(url, editor, 4, '/v1/jobs', jobBody);
    expect(jobs.map((a) => a.status).sort()).toEqual([202, 409, 409, 409]);
    for (const a of jobs.filter((r) => r.status === 409)) {
      expect(a.json.error).toMatchObject({
        code: 'conflict',
        message: "job 'chosen-once' already exists in project 'hostile'",
      });
    }
    const task = { goal: 'add a note', budget: { tokens: 1000, time_ms: 5000, width: 1, reflection: 0 }, verify: {} };
    const runs = await postAtOnce(url, editor, 4, '/v1/runs', { scope: { ...pgScope, run_id: 'chosen-once' }, task });
    expect(runs.map((a) => a.status).sort()).toEqual([201, 409, 409, 409]);
    for (const a of runs.filter((r) => r.status === 409)) {
      expect(a.json.error).toMatchObject({
        code: 'conflict',
        message: "run 'chosen-once' already exists in project 'hostile'",
      });
    }
    expect(cluster!.node(0).running).toBe(true);
    expect(cluster!.node(0).output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});
