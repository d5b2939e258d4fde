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
  gateway = await GatewayProcess.start({ env: { EASEL_LOCAL_TOKEN_DELAY_MS: '0' } });
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
/** Ids as clients send them (ULIDs, slugs, run/job/turn shapes) and junk. */
const idish = fc.oneof(
  slugish,
  fc.ulid(),
  fc.ulid().map((u) => `t_${u.slice(0, 24)}`),
  fc.stringMatching(/^[a-zA-Z0-9_.%~:-]{0,40}$/),
);
const PLUGIN_NAMES = fc.constantFrom('canvas-stats', 'frame-analysis', 'whiteboard-thumbnail', 'nope');
const TOOL_NAMES = fc.constantFrom('stats', 'analyze', 'render', 'nope');
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
      fc.record({ text: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue()) }, { requiredKeys: [] }),
      fc.record({ turn_id: fc.oneof(idish, fc.jsonValue()) }, { requiredKeys: [] }),
    ),
    expected_revision: fc.oneof(fc.integer(), fc.string()),
  },
  { requiredKeys: [] },
);
/** A TaskSpec (contract §10) with each part valid, missing or random. */
const taskArb = fc.record(
  {
    goal: fc.oneof(fc.string({ maxLength: 60 }), fc.constant(''), fc.jsonValue()),
    inputs: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 3 }), fc.jsonValue()),
    tools: fc.oneof(
      fc.array(
        fc.record(
          {
            plugin: fc.oneof(PLUGIN_NAMES, fc.string({ maxLength: 10 })),
            tool: fc.oneof(TOOL_NAMES, fc.string({ maxLength: 10 })),
            alias: fc.string({ maxLength: 70 }),
            max_calls: fc.oneof(fc.integer(), fc.double()),
          },
          { requiredKeys: ['plugin', 'tool'] },
        ),
        { maxLength: 3 },
      ),
      fc.jsonValue(),
    ),
    budget: fc.oneof(
      fc.record(
        {
          tokens: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.integer(), fc.double()),
          time_ms: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer()),
          width: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer()),
          reflection: fc.oneof(fc.integer({ min: 0, max: 1 }), fc.integer()),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    ),
    verify: fc.oneof(
      fc.record(
        {
          assertions: fc.array(
            fc.record(
              {
                id: fc.string({ maxLength: 8 }),
                path: fc.oneof(
                  fc.constantFrom('/state', '/output/text', '/tokens/x', ''),
                  fc.string({ maxLength: 12 }),
                ),
                op: fc.oneof(fc.constantFrom('exists', 'equals', 'matches', 'lte', 'gte', 'contains'), fc.string()),
                value: fc.oneof(fc.jsonValue(), fc.constantFrom('(', '[a-', '(a+)+$', '\\')),
              },
              { requiredKeys: ['id', 'path', 'op'] },
            ),
            { maxLength: 3 },
          ),
          scorers: fc.array(
            fc.record(
              {
                id: fc.string({ maxLength: 8 }),
                tool: fc.oneof(fc.constantFrom('canvas-stats.stats', 'nope.x'), fc.string({ maxLength: 12 })),
                threshold: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.double()),
                weight: fc.double(),
              },
              { requiredKeys: ['id', 'tool', 'threshold'] },
            ),
            { maxLength: 2 },
          ),
          refusal_thresholds: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.double(), fc.jsonValue()), {
            maxKeys: 2,
          }),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    ),
  },
  { requiredKeys: [] },
);
/** A TaskSpec that parses (small budgets, built-in tools), so runs really start, then stop. */
const validTaskArb = fc.record({
  goal: fc.oneof(
    fc.constantFrom('summarize the board', 'call every tool', 'keep looping forever'),
    fc.string({ minLength: 1, maxLength: 40 }),
  ),
  inputs: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
  tools: fc.subarray([
    { plugin: 'canvas-stats', tool: 'stats' },
    { plugin: 'whiteboard-thumbnail', tool: 'render', max_calls: 2 },
  ]),
  budget: fc.record({
    tokens: fc.integer({ min: 1, max: 400 }),
    time_ms: fc.integer({ min: 1, max: 400 }),
    width: fc.integer({ min: 1, max: 3 }),
    reflection: fc.integer({ min: 0, max: 1 }),
  }),
  verify: fc.record({
    assertions: fc.array(
      fc.record({
        id: fc.stringMatching(/^[a-z]{1,6}$/),
        path: fc.constantFrom('/state', '/output/text', '/tokens', '/output/tool_calls', '/state/notes/x'),
        op: fc.constantFrom('exists', 'equals', 'contains', 'lte', 'gte', 'matches'),
        value: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom('a', 'b.*', true)),
      }),
      { maxLength: 2 },
    ),
  }),
});
/** A `POST /v1/jobs` body (contract §9): pipeline, device, fps and input valid, missing or random. */
const jobArb = fc.record(
  {
    scope: fc.oneof(scopeArb, fc.jsonValue()),
    pipeline: fc.oneof(
      fc.array(
        fc.oneof(
          PLUGIN_NAMES,
          TOOL_NAMES.map((t) => `canvas-stats.${t}`),
          fc.string({ maxLength: 20 }),
        ),
        {
          maxLength: 4,
        },
      ),
      fc.jsonValue(),
    ),
    device_requested: fc.oneof(fc.constantFrom('cpu', 'gpu'), fc.jsonValue()),
    fps: fc.oneof(fc.double(), fc.integer({ min: 1, max: 60 })),
    input: fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          canvas_id: fc.oneof(fc.constantFrom('c1', 'nope'), fc.jsonValue()),
          frames: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.jsonValue()),
          canvas_frames: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.jsonValue()),
          params: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);
/** A plugin call body `{scope, input}` with frames of every kind. */
const invokeArb = fc.record(
  {
    scope: fc.oneof(scopeArb, fc.jsonValue()),
    input: fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          frame: fc.oneof(
            fc.record(
              {
                kind: fc.oneof(fc.constantFrom('canvas', 'image'), fc.string()),
                canvas_type: fc.constantFrom('board', 'whiteboard', 'x'),
                state: fc.jsonValue(),
                tokens: fc.jsonValue(),
                mime: fc.constantFrom('image/png', 'x'),
                data_base64: fc.base64String({ maxLength: 40 }),
              },
              { requiredKeys: [] },
            ),
            fc.jsonValue(),
          ),
          index: fc.oneof(fc.integer(), fc.jsonValue()),
          previous: fc.jsonValue(),
          prior_frame: fc.jsonValue(),
          params: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
    ),
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
  fc
    .record({ scope: fc.oneof(scopeArb, fc.jsonValue()), task: taskArb }, { requiredKeys: [] })
    .map((b) => JSON.stringify(b)),
  jobArb.map((b) => JSON.stringify(b)),
  invokeArb.map((b) => JSON.stringify(b)),
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
    .tuple(slugish, fc.constantFrom('', '/events', '/revisions', '/turns', '/turns?limit=0', '/turns?limit=x', '/x'))
    .map(([id, suffix]) => `/v1/canvases/${id}${suffix}`),
  fc
    .tuple(slugish, fc.constantFrom('/lens', '/canvas-types', '/canvas-types/board2', '/canvas-types/%ZZ'))
    .map(([p, s]) => `/v1/projects/${p}${s}`),
  fc.tuple(slugish, fc.constantFrom('/health', '')).map(([n, s]) => `/v1/plugins/${n}${s}`),
  fc.constantFrom('/v1/runs', '/v1/jobs'),
  fc.tuple(idish, fc.constantFrom('', '/events', '/x')).map(([id, suffix]) => `/v1/runs/${id}${suffix}`),
  idish.map((id) => `/v1/jobs/${id}`),
  fc
    .tuple(fc.oneof(PLUGIN_NAMES, slugish), fc.oneof(TOOL_NAMES, slugish), fc.constantFrom(':invoke', '', ':x'))
    .map(([n, t, verb]) => `/v1/plugins/${n}/tools/${t}${verb}`),
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

  it('[CONTRACT 3] runs, jobs, plugin calls and turns: random bodies, ids, scopes and cursors never get a 5xx, and the gateway stays up', async () => {
    const validScope = {
      tenant_id: 'acme',
      project_id: 'p1',
      app_id: 'app',
      surface_id: 'main',
      mode: 'edit',
      canvas_id: 'c1',
    };
    const { canvas_id: _c, ...projectScope } = validScope;
    const withScope = <T extends { scope?: unknown }>(b: T) =>
      fc.constantFrom(b, { ...b, scope: validScope }, { ...b, scope: projectScope });
    // Turns that exist: chat.send answers a turn id, which turn.cancel and the fuzz then reuse.
    const turnIds: string[] = [];
    const created: string[] = [];
    const createdId = () =>
      fc.nat().map((i) => (created.length > 0 ? created[i % created.length]! : '01ARZ3NDEKTSV4RRFFQ69G5FAV'));
    const known = () => fc.nat().map((i) => (turnIds.length > 0 ? turnIds[i % turnIds.length]! : 't_none'));
    const queryOf = (scope: unknown, extra: string) =>
      `?${new URLSearchParams(scope !== null && typeof scope === 'object' ? (scope as Record<string, string>) : {})}${extra}`;
    const cursorArb = fc.oneof(
      fc.constantFrom('', '0', 'zzzzzzzz-1', 'garbage', '-1', '1e309'),
      fc.stringMatching(/^[a-z0-9]{8,16}-[0-9]{1,20}$/),
      headerValue,
    );
    const requestArb = fc.oneof(
      fc
        .record({ scope: fc.oneof(scopeArb, fc.jsonValue()), task: taskArb }, { requiredKeys: [] })
        .chain(withScope)
        .map((b) => ({ method: 'POST', path: '/v1/runs', body: JSON.stringify(b) })),
      fc.tuple(validTaskArb, fc.oneof(fc.constant(undefined), idish)).map(([task, runId]) => ({
        method: 'POST',
        path: '/v1/runs',
        body: JSON.stringify({ scope: { ...validScope, ...(runId !== undefined ? { run_id: runId } : {}) }, task }),
      })),
      fc
        .tuple(
          fc.oneof(createdId(), idish, fc.constant('%ZZ')),
          fc.oneof(scopeArb, fc.constant(projectScope)),
          fc.constantFrom('', '/events'),
          cursorArb,
        )
        .map(([id, scope, suffix, after]) => ({
          method: 'GET',
          path: `/v1/runs/${id}${suffix}${queryOf(scope, after === '' ? '' : `&after=${encodeURIComponent(after)}`)}`,
          lastEventId: after,
        })),
      jobArb.chain(withScope).map((b) => ({ method: 'POST', path: '/v1/jobs', body: JSON.stringify(b) })),
      fc
        .record({
          pipeline: fc.constantFrom(
            ['canvas-stats'],
            ['canvas-stats.stats'],
            ['frame-analysis'],
            ['canvas-stats', 'x'],
          ),
          device_requested: fc.constantFrom('cpu', 'gpu'),
          input: fc.oneof(
            fc.constant({ canvas_id: 'c1' }),
            fc.record({ canvas_id: fc.constant('c1'), params: fc.jsonValue({ maxDepth: 2 }) }),
            fc.record({ frames: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 2 }) }),
          ),
        })
        .map((b) => ({ method: 'POST', path: '/v1/jobs', body: JSON.stringify({ scope: validScope, ...b }) })),
      fc
        .record({
          state: fc.oneof(
            fc.constant({ notes: {} }),
            fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })),
          ),
          tokens: fc.oneof(fc.constant({}), fc.jsonValue({ maxDepth: 1 })),
          index: fc.integer({ min: -1, max: 3 }),
        })
        .map(({ state, tokens, index }) => ({
          method: 'POST',
          path: '/v1/plugins/canvas-stats/tools/stats:invoke',
          body: JSON.stringify({
            scope: projectScope,
            input: { frame: { kind: 'canvas', canvas_type: 'board2', state, tokens }, index },
          }),
        })),
      fc
        .tuple(fc.oneof(createdId(), idish), fc.oneof(scopeArb, fc.constant(projectScope)))
        .map(([id, scope]) => ({ method: 'GET', path: `/v1/jobs/${id}${queryOf(scope, '')}` })),
      fc
        .tuple(fc.oneof(PLUGIN_NAMES, slugish), fc.oneof(TOOL_NAMES, slugish), invokeArb.chain(withScope))
        .map(([n, t, b]) => ({ method: 'POST', path: `/v1/plugins/${n}/tools/${t}:invoke`, body: JSON.stringify(b) })),
      fc
        .tuple(
          fc.oneof(fc.string({ maxLength: 30 }), fc.jsonValue()),
          fc.ulid(),
          fc.oneof(fc.constant(validScope), scopeArb),
        )
        .map(([text, id, scope]) => ({
          method: 'POST',
          path: '/v1/commands',
          body: JSON.stringify({ command_id: id, type: 'chat.send', scope, payload: { text } }),
        })),
      fc
        .tuple(fc.oneof(known(), idish, fc.jsonValue()), fc.ulid(), fc.oneof(fc.constant(validScope), scopeArb))
        .map(([turnId, id, scope]) => ({
          method: 'POST',
          path: '/v1/commands',
          body: JSON.stringify({ command_id: id, type: 'turn.cancel', scope, payload: { turn_id: turnId } }),
        })),
      fc
        .array(
          fc.tuple(
            fc.constantFrom('chat.send', 'turn.cancel'),
            fc.oneof(fc.string({ maxLength: 20 }), known()),
            fc.ulid(),
          ),
          { maxLength: 4 },
        )
        .map((items) => ({
          method: 'POST',
          path: '/v1/commands:batch',
          body: JSON.stringify({
            commands: items.map(([type, value, id]) => ({
              command_id: id,
              type,
              scope: validScope,
              payload: type === 'chat.send' ? { text: value } : { turn_id: value },
            })),
          }),
        })),
    );
    await fc.assert(
      fc.asyncProperty(
        requestArb,
        fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, { arbitrary: fc.nat(3), weight: 1 }),
        fc.oneof(
          { arbitrary: fc.constant('application/json'), weight: 8 },
          { arbitrary: fc.constantFrom('text/plain', 'application/json; charset=latin1'), weight: 1 },
        ),
        async (req, who, type) => {
          const headers: Record<string, string> = {
            authorization: `Bearer ${tokens[who]}`,
            'content-type': type,
          };
          if ('lastEventId' in req && req.lastEventId) headers['last-event-id'] = req.lastEventId;
          const res = await send({
            method: req.method,
            path: req.path,
            headers,
            ...('body' in req && req.body !== undefined ? { body: req.body } : {}),
          });
          if (res === null) return;
          const where = `${req.method} ${req.path} ${('body' in req ? req.body : '')?.slice(0, 300)} -> ${res.status} ${res.body.slice(0, 300)}`;
          expect(res.status, where).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.contentType, where).toMatch(/json/);
            expect(ERROR_STATUS[JSON.parse(res.body).error.code], where).toBe(res.status);
          }
          if (res.status === 200 && req.path === '/v1/commands' && res.body.includes('"turn_id"')) {
            const turnId = (JSON.parse(res.body) as { turn_id?: unknown }).turn_id;
            if (typeof turnId === 'string' && turnIds.length < 50) turnIds.push(turnId);
          }
          if ((res.status === 201 || res.status === 202) && created.length < 50) {
            const body = JSON.parse(res.body) as { run_id?: unknown; job_id?: unknown };
            const id = body.run_id ?? body.job_id;
            if (typeof id === 'string') created.push(id);
          }
        },
      ),
      { numRuns: Number(process.env.EASEL_FUZZ_RUNS ?? 300), interruptAfterTimeLimit: 90_000 },
    );
    const ready = await send({ method: 'GET', path: '/readyz', headers: {} });
    expect(ready?.status).toBe(200);
    expect(gateway.running).toBe(true);
  });
});
