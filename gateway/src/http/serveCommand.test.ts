import http from 'node:http';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { InProcessGateway } from '../../test/harness/InProcessGateway.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, api, type TestWorld } from '../../test/harness/api.ts';
import { expectErrorBody } from '../../test/harness/expectErrorBody.ts';
import { parseStrictJson } from './readJsonBody.ts';

const SECRET = 'serve-command-test-secret-0123456789';
/** Served on plain node:http (`serveCommand`). */
const PLAIN = 'application/json';
/** A JSON type `serveCommand` leaves to Express (body-parser): the reference behaviour. */
const EXPRESS = 'application/vnd.easel+json';

let gw: InProcessGateway;
let url: string;
let world: TestWorld;
let admin: string;

beforeAll(async () => {
  gw = await InProcessGateway.start({
    secret: SECRET,
    prefix: 'easel-serve-command-',
    limits: { bodyBytes: 4096, batchBodyBytes: 16_384 },
  });
  ({ url, world, admin } = gw);
});

afterAll(() => gw.close());

/** What must be equal between the two paths (request ids differ by design). */
function comparable(res: ApiResponse): unknown {
  return res.status === 200
    ? { status: 200 }
    : { status: res.status, code: res.json?.error?.code, message: res.json?.error?.message };
}

function post(route: string, contentType: string, body: string | Uint8Array, token = admin): Promise<ApiResponse> {
  return api(url, 'POST', route, { token, rawBody: body, headers: { 'content-type': contentType } });
}

/** A raw request on a keep-alive agent (chunked bodies, connection reuse). */
function rawRequest(
  agent: http.Agent,
  options: { path: string; headers: Record<string, string>; chunks: string[] },
): Promise<{ status: number; body: string; socketReused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${options.path}`,
      { method: 'POST', agent, headers: options.headers, timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, socketReused: req.reusedSocket }));
      },
    );
    req.on('error', reject);
    for (const chunk of options.chunks) req.write(chunk);
    req.end();
  });
}

/** Bodies at the edges of the JSON grammar: every one is tried on both routes, every run. */
const EDGE_BODIES = [
  '',
  ' ',
  '\uFEFF{}',
  ' \n\t{"a":1}',
  '{"command_id":',
  '[1,2',
  'true',
  '"x"',
  ' 12',
  'nul',
  '{}garbage',
];
const ROUTES = ['/v1/commands', '/v1/commands:batch'] as const;

describe('command POSTs served on plain node:http', () => {
  // Two real HTTP requests per run: an explicit run count, and room for a loaded 2-core CI machine.
  it('[CONTRACT 3] any body gets the answer Express gives it (status, code, message)', {
    timeout: 30_000,
  }, async () => {
    const scope = await world.newCanvas(admin, 'equiv', 'c1');
    const bodies = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.constantFrom(...EDGE_BODIES),
      fc
        .record({ type: fc.constantFrom('token.set', 'nope'), payload: fc.jsonValue() })
        .map((c) => JSON.stringify({ ...c, command_id: 'fixed-id', scope })),
    );
    await fc.assert(
      fc.asyncProperty(bodies, fc.constantFrom(...ROUTES), async (body, route) => {
        const plain = await post(route, PLAIN, body);
        const express = await post(route, EXPRESS, body);
        expect(comparable(plain)).toEqual(comparable(express));
        if (plain.status !== 200) expectErrorBody(plain, plain.status, plain.json.error.code);
        expect(plain.status).toBeLessThan(500);
      }),
      { numRuns: 40, examples: EDGE_BODIES.flatMap((body) => ROUTES.map((route): [string, string] => [body, route])) },
    );
  });

  it('[CONTRACT 5] a command over the plain path commits, and repeating its id is a duplicate', async () => {
    const scope = await world.newCanvas(admin, 'plain', 'c1');
    const command = {
      command_id: ulid(),
      type: 'token.set',
      scope,
      payload: { token_id: 'plan.title', value: 'x' },
    };
    const first = await post('/v1/commands', 'application/json; charset=utf-8', JSON.stringify(command));
    expect(first.status).toBe(200);
    expect(first.json.status).toBe('committed');
    expect(first.headers.get('x-request-id')).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const again = await post('/v1/commands/', PLAIN, JSON.stringify(command));
    expect(again.json).toEqual({ ...first.json, status: 'duplicate' });
  });

  it('[CONTRACT 3] over the limit is 413 on both paths, declared or streamed, and the connection stays usable', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(5000) });
    for (const type of [PLAIN, EXPRESS]) {
      const res = await post('/v1/commands', type, big);
      expectErrorBody(res, 413, 'payload_too_large');
      expect(res.json.error.message).toBe('the request body is over the limit of 4 KiB');
    }
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const chunked = await rawRequest(agent, {
        path: '/v1/commands',
        headers: { authorization: `Bearer ${admin}`, 'content-type': PLAIN, 'transfer-encoding': 'chunked' },
        chunks: ['{"pad":"', 'y'.repeat(3000), 'y'.repeat(3000), '"}'],
      });
      expect(chunked.status).toBe(413);
      const next = await rawRequest(agent, {
        path: '/v1/commands',
        headers: { authorization: `Bearer ${admin}`, 'content-type': PLAIN },
        chunks: ['{}'],
      });
      expect(next.status).toBe(400);
      expect(next.socketReused).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('[CONTRACT 2] the token is checked before the body; ?access_token= is refused on commands', async () => {
    const bad = await post('/v1/commands', PLAIN, '{not json', 'not-a-jwt');
    expectErrorBody(bad, 401, 'unauthenticated');
    const query = await api(url, 'POST', `/v1/commands?access_token=${admin}`, {
      rawBody: '{}',
      headers: { 'content-type': PLAIN },
    });
    expectErrorBody(query, 401, 'unauthenticated');
    expect(query.json.error.message).toMatch(/SSE/);
  });

  it('[CONTRACT 3] parseStrictJson: objects and arrays only, empty is {}, messages name the offending character', () => {
    expect(parseStrictJson('')).toEqual({ ok: true, value: {} });
    expect(parseStrictJson(' [1]')).toEqual({ ok: true, value: [1] });
    const strict = parseStrictJson(' 12');
    expect(strict.ok).toBe(false);
    if (!strict.ok) expect(strict.message).toMatch(/1/);
  });
});
