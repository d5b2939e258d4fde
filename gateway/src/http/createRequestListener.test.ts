import { InProcessGateway } from '../../test/harness/InProcessGateway.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type TestWorld } from '../../test/harness/api.ts';
import { SseClient } from '../../test/harness/SseClient.ts';
import { expectErrorBody } from '../../test/harness/expectErrorBody.ts';

const SECRET = 'listener-test-secret-0123456789abcdef';
const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

let gw: InProcessGateway;
let url: string;
let world: TestWorld;
let admin: string;

beforeAll(async () => {
  gw = await InProcessGateway.start({ secret: SECRET, prefix: 'easel-listener-' });
  ({ url, world, admin } = gw);
});

afterAll(() => gw.close());

describe('stream GETs served ahead of Express', () => {
  it('[CONTRACT 4] a trailing slash opens the stream too, with a ULID x-request-id', async () => {
    const scope = await world.newCanvas(admin, 'slash', 'c1');
    const streamUrl = world.streamUrl(scope).replace('/events?', '/events/?');
    const stream = new SseClient(streamUrl, { token: admin });
    try {
      const open = await stream.open();
      expect(open.status).toBe(200);
      expect(open.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(open.headers['x-request-id']).toMatch(ULID_RE);
      await stream.waitFor((f) => f.event === 'CANVAS_READY');
    } finally {
      stream.close();
    }
  });

  it('[CONTRACT 2] auth failures on streams are 401 JSON carrying the request id', async () => {
    const scope = await world.newCanvas(admin, 'auth', 'c1');
    const rel = new URL(world.streamUrl(scope)).pathname + new URL(world.streamUrl(scope)).search;
    expectErrorBody(await api(url, 'GET', rel), 401, 'unauthenticated');
    expectErrorBody(await api(url, 'GET', `${rel}&access_token=a&access_token=b`), 401, 'unauthenticated');
    expectErrorBody(await api(url, 'GET', `${rel}&access_token=not-a-jwt`), 401, 'unauthenticated');
    expectErrorBody(await api(url, 'GET', rel, { headers: { authorization: 'Basic x' } }), 401, 'unauthenticated');
  });

  it('[CONTRACT 3] bad stream input is a coded error with request_id (scope, ?after=, encoding)', async () => {
    const scope = await world.newCanvas(admin, 'input', 'c1');
    const rel = new URL(world.streamUrl(scope)).pathname + new URL(world.streamUrl(scope)).search;
    expectErrorBody(await api(url, 'GET', `${rel}&after=a&after=b`, { token: admin }), 400, 'validation_failed');
    expectErrorBody(await api(url, 'GET', `${rel}&mode=Bad%20Mode`, { token: admin }), 400, 'validation_failed');
    const bad = rel.replace('/c1/', '/%E0%A4%A/');
    expectErrorBody(await api(url, 'GET', bad, { token: admin }), 400, 'validation_failed');
    expectErrorBody(await api(url, 'GET', '/v1/realtime?project_id=NO', { token: admin }), 400, 'validation_failed');
  });

  it('[CONTRACT 1] a canvas_id in the query naming another canvas than the path is 400, on the stream and the GETs', async () => {
    const scope = await world.newCanvas(admin, 'input', 'c2');
    const rel = new URL(world.streamUrl(scope)).pathname + new URL(world.streamUrl(scope)).search;
    const query = rel.slice(rel.indexOf('?'));
    for (const path of [rel.slice(0, rel.indexOf('?')), '/v1/canvases/c2', '/v1/canvases/c2/revisions']) {
      const res = await api(url, 'GET', `${path}${query}&canvas_id=c1`, { token: admin });
      expectErrorBody(res, 400, 'validation_failed');
      expect(res.json.error.message).toContain("canvas_id: differs from the path's 'c2' (given 'c1')");
    }
    const same = await api(url, 'GET', `/v1/canvases/c2/revisions${query}&canvas_id=c2`, { token: admin });
    expect(same.status).toBe(200);
  });

  it('[CONTRACT 3] other methods on stream paths still reach the Express app (JSON 404, never a stream)', async () => {
    const head = await api(url, 'HEAD', '/v1/realtime', { token: admin });
    expect(head.status).toBe(404);
    expect(head.headers.get('content-type')).not.toMatch(/event-stream/);
    expectErrorBody(await api(url, 'POST', '/v1/realtime', { token: admin, body: {} }), 404, 'not_found');
    expectErrorBody(await api(url, 'GET', '/v1/REALTIME', { token: admin }), 404, 'not_found');
  });
});
