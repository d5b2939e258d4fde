import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { type ApiResponse, api } from './harness/api.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { SseClient } from './harness/SseClient.ts';
import { expectErrorBody } from './harness/expectErrorBody.ts';

const env = gatewayPerFile({ admin: { tenant: 'acme' }, intruder: { tenant: 'evil', sub: 'mallory' } });

/** Every endpoint that takes a JSON body (method, path). */
const JSON_ENDPOINTS: ReadonlyArray<readonly [string, string]> = [
  ['POST', '/v1/commands'],
  ['POST', '/v1/commands:batch'],
  ['PUT', '/v1/projects/p1/lens'],
  ['PUT', '/v1/projects/p1/canvas-types/kind'],
];

describe('errors against a gateway process', () => {
  it('[CONTRACT 3] malformed JSON is 400 and an oversized body 413, on every JSON endpoint', async () => {
    const headers = { 'content-type': 'application/json' };
    for (const [method, path] of JSON_ENDPOINTS) {
      const bad = await api(env.gateway.url, method, path, {
        token: env.tokens.admin,
        rawBody: '{"a": [1, 2',
        headers,
      });
      expectErrorBody(bad, 400, 'validation_failed');
      expect(bad.json.error.message).toMatch(/not valid JSON/);
      for (const [rawBody, kind] of [
        ['"x"', 'a string'],
        ['null', 'null'],
        ['5', 'a number'],
      ]) {
        const notObject = await api(env.gateway.url, method, path, { token: env.tokens.admin, rawBody, headers });
        expectErrorBody(notObject, 400, 'validation_failed');
        expect(notObject.json.error.message).toMatch(new RegExp(`^request body must be a JSON object, not ${kind};`));
      }
      const limit = path.endsWith(':batch') ? 8 : 1;
      const huge = `{"x":"${'a'.repeat(limit * 1024 * 1024 + 1)}"}`;
      const big = await api(env.gateway.url, method, path, { token: env.tokens.admin, rawBody: huge, headers });
      expectErrorBody(big, 413, 'payload_too_large');
    }
  });

  it('[CONTRACT 3] a body nested too deep or with a "__proto__" key is 400 naming the path, on every JSON endpoint; nothing is applied', async () => {
    const headers = { 'content-type': 'application/json' };
    const nest = (levels: number, leaf = '"x"'): string => '{"a":'.repeat(levels) + leaf + '}'.repeat(levels);
    for (const [method, path] of JSON_ENDPOINTS) {
      // 100 000 levels once overflowed the stack of the validation after the parse: a 503 "retry".
      for (const levels of [70, 100_000]) {
        const deep = await api(env.gateway.url, method, path, {
          token: env.tokens.admin,
          rawBody: `{"x":${nest(levels)}}`,
          headers,
        });
        expectErrorBody(deep, 400, 'validation_failed');
        expect(deep.json.error.message).toMatch(/^x\.a\.a.*: nested deeper than 64 levels; flatten the value$/);
        expect(deep.json.error.details.issues[0].path).toMatch(/^x(\.a)+/);
      }
      // `\u005f` is "_": JSON.parse turns the escaped key into an own "__proto__" property too.
      const proto = await api(env.gateway.url, method, path, {
        token: env.tokens.admin,
        rawBody: '{"x":[{"\\u005f_proto__":{"polluted":true}}]}',
        headers,
      });
      expectErrorBody(proto, 400, 'validation_failed');
      expect(proto.json.error.message).toBe(
        'x[0].__proto__: "__proto__" is not allowed as an object key; rename the field',
      );
    }

    // Through the real command path: a value nested within the limit is applied and read back whole;
    // one level more is refused and the canvas is untouched.
    const scope = await env.world.newCanvas(env.tokens.admin, 'nesting', 'c1');
    const within = JSON.parse(nest(55)) as unknown;
    const ok = await env.world.commit(env.tokens.admin, 'state.ops', scope, {
      ops: [{ op: 'insert', root: 'notes', key: 'deep', value: within }],
    });
    const over = await env.world.command(env.tokens.admin, 'state.ops', scope, {
      ops: [{ op: 'insert', root: 'notes', key: 'deeper', value: JSON.parse(nest(64)) }],
    });
    expectErrorBody(over, 400, 'validation_failed');
    const protoKey = await api(env.gateway.url, 'POST', '/v1/commands', {
      token: env.tokens.admin,
      rawBody: JSON.stringify({
        command_id: ulid(),
        type: 'state.ops',
        scope,
        payload: { ops: [{ op: 'insert', root: 'notes', key: '@@', value: 1 }] },
      }).replace('"@@"', '"__proto__"'),
      headers,
    });
    expectErrorBody(protoKey, 400, 'validation_failed');
    const read = await api(env.gateway.url, 'GET', env.world.canvasPath(scope), { token: env.tokens.admin });
    expect(read.json.revision).toBe(ok.revision);
    expect(read.json.state.notes).toEqual({ deep: within });
    const alive = await api(env.gateway.url, 'GET', '/readyz', {});
    expect(alive.status).toBe(200);
  });

  it('[CONTRACT 3] the turn history answers a bad limit 400 and an unknown canvas 404; a good request its shape', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'turns', 'c1');
    const { canvas_id, ...rest } = scope;
    const q = new URLSearchParams(rest).toString();
    for (const limit of ['0', '51', 'x', '1.5', '-1']) {
      const bad = await api(env.gateway.url, 'GET', `/v1/canvases/${canvas_id}/turns?${q}&limit=${limit}`, {
        token: env.tokens.admin,
      });
      expectErrorBody(bad, 400, 'validation_failed');
      expect(bad.json.error.message).toBe(`limit: must be an integer from 1 to 50, not "${limit}"`);
    }
    for (const [query, message] of [
      ['limit=5&limit=6', 'limit: given 2 times; send it once, as an integer from 1 to 50'],
      ['limit[]=5', /^limit: /],
      ['limit[a]=3', /^limit: /],
    ] as const) {
      const odd = await api(env.gateway.url, 'GET', `/v1/canvases/${canvas_id}/turns?${q}&${query}`, {
        token: env.tokens.admin,
      });
      expectErrorBody(odd, 400, 'validation_failed');
      if (typeof message === 'string') expect(odd.json.error.message).toBe(message);
      else expect(odd.json.error.message).toMatch(message);
    }
    const missing = await api(env.gateway.url, 'GET', `/v1/canvases/nope/turns?${q}`, { token: env.tokens.admin });
    expectErrorBody(missing, 404, 'not_found');
    const good = await api(env.gateway.url, 'GET', `/v1/canvases/${canvas_id}/turns?${q}&limit=5`, {
      token: env.tokens.admin,
    });
    expect(good.status).toBe(200);
    expect(good.json).toEqual({ events: [], complete: true });
  });

  it('[CONTRACT 2] another tenant is 403 tenant_mismatch everywhere, and nothing is revealed or applied', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'tenancy', 'c1');
    await env.world.commit(env.tokens.admin, 'token.set', scope, { token_id: 'plan.title', value: 'mine' });
    const { canvas_id, ...rest } = scope;
    const q = new URLSearchParams(rest).toString();
    const absent = new URLSearchParams({ ...rest }).toString();
    const checks: ApiResponse[] = [
      await api(env.gateway.url, 'GET', `/v1/canvases/${canvas_id}?${q}`, { token: env.tokens.intruder }),
      await api(env.gateway.url, 'GET', `/v1/canvases/does-not-exist?${absent}`, { token: env.tokens.intruder }),
      await api(env.gateway.url, 'GET', `/v1/canvases/${canvas_id}/revisions?${q}`, { token: env.tokens.intruder }),
      await api(env.gateway.url, 'GET', `/v1/canvases/${canvas_id}/turns?${q}`, { token: env.tokens.intruder }),
      await env.world.command(env.tokens.intruder, 'token.set', scope, { token_id: 'plan.title', value: 'theirs' }),
      await env.world.command(
        env.tokens.intruder,
        'canvas.create',
        { ...scope, canvas_id: 'fresh' },
        { canvas_type: 'testboard' },
      ),
    ];
    for (const res of checks) expectErrorBody(res, 403, 'tenant_mismatch');
    const batch = await api(env.gateway.url, 'POST', '/v1/commands:batch', {
      token: env.tokens.intruder,
      body: {
        commands: [
          { command_id: ulid(), type: 'token.set', scope, payload: { token_id: 'plan.title', value: 'theirs' } },
        ],
      },
    });
    if (batch.status === 200)
      expect(batch.json.outcomes[0]).toMatchObject({ status: 'rejected', error: { code: 'tenant_mismatch' } });
    else expectErrorBody(batch, 403, 'tenant_mismatch');
    for (const url of [
      env.world.streamUrl(scope),
      env.world.realtimeUrl(scope),
      env.world.streamUrl({ ...scope, canvas_id: 'nope' }),
    ]) {
      const s = new SseClient(url, { token: env.tokens.intruder });
      const open = await s.open();
      s.close();
      expect(open.status).toBe(403);
      expect(JSON.parse(open.body).error.code).toBe('tenant_mismatch');
    }
    const read = await api(env.gateway.url, 'GET', `/v1/canvases/${canvas_id}?${q}`, { token: env.tokens.admin });
    expect(read.json.tokens['plan.title']).toBe('mine');
    // The intruder's own project of the same name is separate: it sees nothing of acme's.
    const theirs = await api(env.gateway.url, 'GET', `/v1/projects/${scope.project_id}/canvas-types/testboard`, {
      token: env.tokens.intruder,
    });
    expectErrorBody(theirs, 404, 'not_found');
  });
});
