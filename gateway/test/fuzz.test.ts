import http from 'node:http';
import { COMMAND_TYPE_LIST, ERROR_CODE_LIST, errorStatus } from '@easel/schemas';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayProcess } from './harness/GatewayProcess.ts';

/** The registry's status of each error code (contract §3); an unknown code maps to nothing. */
const ERROR_STATUS: Record<string, number> = Object.fromEntries(
  ERROR_CODE_LIST.map((code) => [code, errorStatus(code)]),
);

let gateway: GatewayProcess;
let tokens: string[];

beforeAll(async () => {
  gateway = await GatewayProcess.start();
  tokens = [
    await gateway.token({ tenant: 'acme' }),
    await gateway.token({ tenant: 'acme', roles: ['viewer'] }),
    await gateway.token({ tenant: 'other' }),
    await gateway.token({ tenant: 'acme', ttlSeconds: -5 }),
  ];
  // A canvas for the fuzz to poke at.
  await send({
    method: 'PUT',
    path: '/v1/projects/p1/canvas-types/board2',
    headers: { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'board2',
      version: '1.0.0',
      title: 'b',
      roots: { notes: 'map' },
      tokens: {},
      tools: [],
    }),
  });
  const created = await send({
    method: 'POST',
    path: '/v1/commands',
    headers: { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      command_id: 'fuzz-setup-1',
      type: 'canvas.create',
      scope: { tenant_id: 'acme', project_id: 'p1', app_id: 'app', surface_id: 'main', mode: 'edit', canvas_id: 'c1' },
      payload: { canvas_type: 'board2' },
    }),
  });
  if (created?.status !== 200) throw new Error(`setup: ${created?.status} ${created?.body}`);
});

afterAll(async () => {
  await gateway?.dispose();
});

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** One raw request; SSE answers are cut right after their headers. */
function send(req: Sent): Promise<{ status: number; contentType: string; body: string } | null> {
  return new Promise((resolve, reject) => {
    let r: http.ClientRequest;
    try {
      r = http.request(
        {
          host: '127.0.0.1',
          port: gateway.port,
          method: req.method,
          path: req.path,
          headers: req.headers,
          agent: false,
          timeout: 10_000,
        },
        (res) => {
          const contentType = String(res.headers['content-type'] ?? '');
          if (contentType.startsWith('text/event-stream')) {
            resolve({ status: res.statusCode ?? 0, contentType, body: '' });
            r.destroy();
            return;
          }
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType, body }));
          res.on('error', reject);
        },
      );
    } catch {
      resolve(null); // the client library refused to send it (invalid path or header)
      return;
    }
    r.on('timeout', () => r.destroy(new Error(`timeout: ${req.method} ${req.path}`)));
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

const slugish = fc.oneof(
  fc.constantFrom('acme', 'p1', 'c1', 'other', 'app', 'main', 'edit', ''),
  fc.stringMatching(/^[a-zA-Z0-9_.%~-]{0,20}$/),
);
const scopeArb = fc.record(
  {
    tenant_id: slugish,
    project_id: slugish,
    app_id: slugish,
    surface_id: slugish,
    mode: slugish,
    canvas_id: slugish,
    run_id: slugish,
  },
  { requiredKeys: [] },
);
const commandArb = fc.record(
  {
    command_id: fc.oneof(fc.string(), fc.ulid(), fc.integer()),
    type: fc.oneof(fc.constantFrom(...COMMAND_TYPE_LIST), fc.string()),
    scope: fc.oneof(scopeArb, fc.jsonValue()),
    payload: fc.oneof(
      fc.jsonValue(),
      fc.record({ token_id: fc.string(), value: fc.jsonValue() }),
      fc.record({ update: fc.base64String() }),
      fc.record({ canvas_type: fc.constantFrom('board', 'board2', 'whiteboard', 'x') }),
      fc.record({ ops: fc.array(fc.jsonValue(), { maxLength: 5 }) }),
    ),
    expected_revision: fc.oneof(fc.integer(), fc.string()),
  },
  { requiredKeys: [] },
);
const bodyArb = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  commandArb.map((c) => JSON.stringify(c)),
  fc.array(commandArb, { maxLength: 4 }).map((commands) => JSON.stringify({ commands })),
  fc.string(),
  fc.string({ unit: 'binary' }),
);
const pathArb = fc.oneof(
  fc.constantFrom(
    '/v1/commands',
    '/v1/commands:batch',
    '/v1/realtime',
    '/v1/plugins',
    '/healthz',
    '/readyz',
    '/metrics',
    '/v1/dev/tokens',
  ),
  fc
    .tuple(slugish, fc.constantFrom('', '/events', '/revisions', '/x'))
    .map(([id, suffix]) => `/v1/canvases/${id}${suffix}`),
  fc
    .tuple(slugish, fc.constantFrom('/lens', '/canvas-types', '/canvas-types/board2', '/canvas-types/%ZZ'))
    .map(([p, s]) => `/v1/projects/${p}${s}`),
  fc.tuple(slugish, fc.constantFrom('/health', '')).map(([n, s]) => `/v1/plugins/${n}${s}`),
  fc.stringMatching(/^\/[a-zA-Z0-9_.:%~/-]{0,60}$/),
);
const queryArb = fc.oneof(
  fc.constant(''),
  scopeArb.map((s) => `?${new URLSearchParams(s as Record<string, string>)}`),
  fc
    .tuple(
      scopeArb,
      fc.constantFrom('after', 'access_token', 'tenant_id', 'mode'),
      fc.stringMatching(/^[a-zA-Z0-9%._-]{0,30}$/),
    )
    .map(([s, k, v]) => `?${new URLSearchParams(s as Record<string, string>)}&${k}=${v}&${k}=${v}`),
  fc.stringMatching(/^\?[a-zA-Z0-9=&%[\]._-]{0,40}$/),
);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);

describe('fuzz', () => {
  it('[CONTRACT 3] random methods, paths, queries, headers and bodies never get a 5xx, and every error is a coded JSON body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
        pathArb,
        queryArb,
        fc.record(
          {
            auth: fc.oneof(
              fc.nat(3).map((i) => `Bearer ${tokens[i]}`),
              headerValue,
              headerValue.map((v) => `Bearer ${v}`),
            ),
            type: fc.oneof(
              fc.constantFrom(
                'application/json',
                'application/json; charset=utf-8',
                'application/json; charset=latin1',
                'text/plain',
                'application/x-www-form-urlencoded',
                'application/merge-patch+json',
              ),
              headerValue,
            ),
            lastEventId: headerValue,
          },
          { requiredKeys: [] },
        ),
        bodyArb,
        async (method, path, query, h, body) => {
          const headers: Record<string, string> = {};
          if (h.auth !== undefined) headers.authorization = h.auth;
          if (h.type !== undefined) headers['content-type'] = h.type;
          if (h.lastEventId !== undefined) headers['last-event-id'] = h.lastEventId;
          const res = await send({
            method,
            path: path + query,
            headers,
            ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
          });
          if (res === null) return;
          const where = `${method} ${path}${query} -> ${res.status} ${res.body.slice(0, 200)}`;
          expect(res.status, where).toBeLessThan(500);
          if (res.status >= 400 && method !== 'HEAD') {
            expect(res.contentType, where).toMatch(/json/);
            const parsed = JSON.parse(res.body) as { error: { code: string; message: string; request_id: string } };
            expect(ERROR_STATUS[parsed.error.code], where).toBe(res.status);
            expect(parsed.error.message.length, where).toBeGreaterThan(0);
            expect(parsed.error.request_id.length, where).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 400, interruptAfterTimeLimit: 60_000 },
    );
    const ready = await send({ method: 'GET', path: '/readyz', headers: {} });
    expect(ready?.status).toBe(200);
  });

  it('[CONTRACT 3] authenticated, well-typed command bodies with random content never get a 5xx', async () => {
    const validScope = {
      tenant_id: 'acme',
      project_id: 'p1',
      app_id: 'app',
      surface_id: 'main',
      mode: 'edit',
      canvas_id: 'c1',
    };
    const mostlyValid = fc.oneof(
      commandArb,
      commandArb.map((c) => ({
        ...c,
        scope: { ...validScope, ...(typeof c.scope === 'object' && c.scope !== null ? c.scope : {}) },
      })),
      commandArb.map((c) => ({ ...c, scope: validScope })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mostlyValid.map((c) => ['/v1/commands', JSON.stringify(c)] as const),
          fc
            .array(mostlyValid, { maxLength: 6 })
            .map((commands) => ['/v1/commands:batch', JSON.stringify({ commands })] as const),
        ),
        fc.nat(2),
        async ([path, body], who) => {
          const res = await send({
            method: 'POST',
            path,
            headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
            body,
          });
          if (res === null) return;
          const where = `POST ${path} ${body.slice(0, 300)} -> ${res.status} ${res.body.slice(0, 300)}`;
          expect(res.status, where).toBeLessThan(500);
          if (res.status >= 400) expect(ERROR_STATUS[JSON.parse(res.body).error.code], where).toBe(res.status);
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 60_000 },
    );
  });
});
