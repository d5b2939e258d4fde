import { ulid } from 'ulid';
import { InProcessGateway } from '../../test/harness/InProcessGateway.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type TestWorld } from '../../test/harness/api.ts';
import { SseClient } from '../../test/harness/SseClient.ts';
import { createVerifier } from '../auth/createVerifier.ts';
import { mintToken } from '../auth/mintToken.ts';
import { expectErrorBody } from '../../test/harness/expectErrorBody.ts';

const SECRET = 'http-test-secret-0123456789abcdef';
const _ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

let gw: InProcessGateway;
let url: string;
let world: TestWorld;
let admin: string;

beforeAll(async () => {
  gw = await InProcessGateway.start({ secret: SECRET, prefix: 'easel-http-' });
  ({ url, world, admin } = gw);
});

afterAll(() => gw.close());

describe('HTTP adapter', () => {
  it('[CONTRACT 5] POST /v1/commands:batch is routed (the colon is literal) and answers one outcome per command', async () => {
    const scope = world.scope('batch', 'c1');
    await world.registerType(admin, 'batch');
    const commands = [
      { command_id: ulid(), type: 'canvas.create', scope, payload: { canvas_type: 'testboard' } },
      { command_id: ulid(), type: 'token.set', scope, payload: { token_id: 'plan.title', value: 'x' } },
    ];
    const res = await api(url, 'POST', '/v1/commands:batch', { token: admin, body: { commands } });
    expect(res.status).toBe(200);
    expect(res.json.outcomes.map((o: { status: string }) => o.status)).toEqual(['committed', 'committed']);
    for (const wrong of ['/v1/commandsbatch', '/v1/commands:batchx', '/v1/commands:other']) {
      expectErrorBody(await api(url, 'POST', wrong, { token: admin, body: { commands } }), 404, 'not_found');
    }
  });

  it('[CONTRACT 3] malformed JSON is 400 validation_failed saying so', async () => {
    const res = await api(url, 'POST', '/v1/commands', {
      token: admin,
      rawBody: '{"command_id": ',
      headers: { 'content-type': 'application/json' },
    });
    expectErrorBody(res, 400, 'validation_failed');
    expect(res.json.error.message).toMatch(/^request body is not valid JSON: /);
  });

  it('[CONTRACT 3] a body over the limit is 413 payload_too_large (1 MiB; 8 MiB for batches)', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) });
    const res = await api(url, 'POST', '/v1/commands', {
      token: admin,
      rawBody: big,
      headers: { 'content-type': 'application/json' },
    });
    expectErrorBody(res, 413, 'payload_too_large');
    expect(res.json.error.message).toMatch(/1 MiB/);
    const batch = await api(url, 'POST', '/v1/commands:batch', {
      token: admin,
      rawBody: JSON.stringify({ commands: [], pad: 'x'.repeat(2 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(batch.status).not.toBe(413);
    expect(batch.status).toBeLessThan(500);
  });

  it('[CONTRACT 3] a wrong or missing content type is 400 with a clear message', async () => {
    const text = await api(url, 'POST', '/v1/commands', {
      token: admin,
      rawBody: '{}',
      headers: { 'content-type': 'text/plain' },
    });
    expectErrorBody(text, 400, 'validation_failed');
    expect(text.json.error.message).toMatch(/application\/json/);
    const none = await api(url, 'POST', '/v1/commands', { token: admin });
    expectErrorBody(none, 400, 'validation_failed');
  });

  it('[CONTRACT 3] unknown routes are 404 JSON with a fresh request_id each time', async () => {
    const a = await api(url, 'GET', '/v1/nope', { token: admin });
    const b = await api(url, 'DELETE', '/v1/commands', { token: admin });
    expectErrorBody(a, 404, 'not_found');
    expectErrorBody(b, 404, 'not_found');
    expect(a.json.error.request_id).not.toBe(b.json.error.request_id);
  });

  it('[CONTRACT 2] every request needs a bearer token; the reason is named', async () => {
    const none = await api(url, 'GET', '/v1/projects/p/lens');
    expectErrorBody(none, 401, 'unauthenticated');
    const expired = await mintToken(SECRET, { tenant: 'acme', sub: 'a', roles: ['admin'], ttlSeconds: -10 });
    const res = await api(url, 'GET', '/v1/projects/p/lens', { token: expired });
    expectErrorBody(res, 401, 'unauthenticated');
    expect(res.json.error.message).toMatch(/expired/);
    const basic = await api(url, 'GET', '/v1/projects/p/lens', { headers: { authorization: 'Basic abc' } });
    expectErrorBody(basic, 401, 'unauthenticated');
  });

  it('[CONTRACT 2] ?access_token= is refused outside SSE GETs and accepted on them', async () => {
    const res = await api(url, 'GET', `/v1/projects/p/lens?access_token=${admin}`);
    expectErrorBody(res, 401, 'unauthenticated');
    expect(res.json.error.message).toMatch(/SSE/);
    const scope = await world.newCanvas(admin, 'qtoken', 'c1');
    const stream = new SseClient(world.streamUrl(scope, { access_token: admin }));
    try {
      const open = await stream.open();
      expect(open.status).toBe(200);
      await stream.waitFor((f) => f.event === 'CANVAS_READY');
    } finally {
      stream.close();
    }
  });

  it('[CONTRACT 4] SSE responses send their headers at once: event-stream, no-cache, no proxy buffering', async () => {
    const scope = await world.newCanvas(admin, 'headers', 'c1');
    const stream = new SseClient(world.streamUrl(scope), { token: admin });
    try {
      const open = await stream.open();
      expect(open.status).toBe(200);
      expect(open.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(open.headers['cache-control']).toMatch(/no-cache/);
      expect(open.headers['x-accel-buffering']).toBe('no');
      await stream.until(() => stream.retry !== null && stream.comments.length > 0);
      expect(stream.retry).toBeGreaterThanOrEqual(1000);
    } finally {
      stream.close();
    }
  });

  it('[CONTRACT 4] stream errors before the stream opens are JSON (400 scope, 404 canvas, 403 tenant)', async () => {
    const scope = await world.newCanvas(admin, 'streamerr', 'c1');
    const cases: Array<[string, number, string]> = [
      [world.streamUrl({ ...scope, mode: 'Bad Mode' }), 400, 'validation_failed'],
      [world.streamUrl({ ...scope, canvas_id: 'missing' }), 404, 'not_found'],
      [world.streamUrl({ ...scope, tenant_id: 'other' }), 403, 'tenant_mismatch'],
      [world.realtimeUrl({ ...scope, project_id: 'NO' }), 400, 'validation_failed'],
    ];
    for (const [streamUrl, status, code] of cases) {
      const stream = new SseClient(streamUrl, { token: admin });
      const open = await stream.open();
      expect(open.status).toBe(status);
      expect(JSON.parse(open.body).error.code).toBe(code);
      stream.close();
    }
  });

  it('[CONTRACT 2] POST /v1/dev/tokens is absent outside dev mode', async () => {
    expectErrorBody(
      await api(url, 'POST', '/v1/dev/tokens', { body: { sub: 'a', roles: ['admin'] } }),
      404,
      'not_found',
    );
  });

  it('[CONTRACT 2] in dev mode POST /v1/dev/tokens mints a token the gateway accepts', async () => {
    const dev = await InProcessGateway.start({ secret: SECRET, prefix: 'easel-http-dev-', dev: true });
    try {
      const res = await api(dev.url, 'POST', '/v1/dev/tokens', {
        body: { sub: 'dana', roles: ['director'], tenant_id: 'demo' },
      });
      expect(res.status).toBe(200);
      const verified = await createVerifier({ secret: SECRET }).verify(res.json.token);
      expect(verified).toEqual({
        ok: true,
        value: { actorId: 'dana', tenantId: 'demo', kind: 'human', roles: ['director'] },
      });
      const bad = await api(dev.url, 'POST', '/v1/dev/tokens', { body: { sub: 'dana', roles: 'director' } });
      expectErrorBody(bad, 400, 'validation_failed');
      expect(bad.json.error.message).toMatch(/roles/);
    } finally {
      await dev.close();
    }
  });

  it('[CONTRACT 11] /healthz, /readyz and /metrics with the Easel metrics', async () => {
    const scope = await world.newCanvas(admin, 'metrics', 'c1');
    await world.commit(admin, 'token.set', scope, { token_id: 'plan.title', value: 'm' });
    await world.command(admin, 'token.set', { ...scope, tenant_id: 'zzz' }, { token_id: 'plan.title', value: 'm' });
    expect((await api(url, 'GET', '/healthz')).status).toBe(200);
    expect((await api(url, 'GET', '/readyz')).status).toBe(200);
    const metrics = await api(url, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    for (const name of [
      'easel_commands_total{type="token.set",status="committed"}',
      'easel_commands_total{type="token.set",status="tenant_mismatch"}',
      'easel_appends_total',
      'easel_append_batch_size_bucket',
      'easel_subscribers{stream="canvas"}',
      'easel_deliveries_total',
      '# TYPE easel_fanout_lag_seconds histogram',
      '# TYPE easel_disconnects_total counter',
    ]) {
      expect(metrics.text).toContain(name);
    }
  });
});
