import {
  partialResultPayloadSchema,
  pluginHealthSchema,
  pluginInspectorSchema,
  pluginInvokeResultSchema,
  pluginListSchema,
  progressPayloadSchema,
  warningPayloadSchema,
} from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { RUNTIME_FAULTS } from '../src/plugins/testing/runtimeFaults.ts';
import { type ApiResponse, api } from './harness/api.ts';
import { expectErrorBody } from './harness/expectErrorBody.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { type HttpProbeReport, startHttpProbe } from './harness/httpProbe.ts';
import { SseClient } from './harness/SseClient.ts';

// A real gateway process with the built-ins and every fault fixture (`--plugins`): each fault is
// invoked over HTTP, repeatedly, while a loop probes /healthz and /v1/plugins every few ms.

const env = gatewayPerFile(
  {
    admin: { tenant: 'acme' },
    viewer: { tenant: 'acme', sub: 'vic', roles: ['viewer'] },
    intruder: { tenant: 'evil', sub: 'mallory' },
  },
  { args: ['--plugins', 'gateway/test/fixtures/plugins'] },
);

const SCOPE = { tenant_id: 'acme', project_id: 'plugins', app_id: 'test-app', surface_id: 'main', mode: 'edit' };
const REPEAT = 3;

function invoke(plugin: string, tool: string, input: unknown, options: { token?: string; scope?: unknown } = {}) {
  return api(env.gateway.url, 'POST', `/v1/plugins/${plugin}/tools/${tool}:invoke`, {
    token: options.token ?? env.tokens.admin,
    body: { scope: options.scope ?? SCOPE, input },
    timeoutMs: 30_000,
  });
}

function get(path: string, token = env.tokens.admin) {
  return api(env.gateway.url, 'GET', path, { token });
}

function probe() {
  return startHttpProbe(env.gateway.url, env.tokens.admin);
}

function expectCleanProbe(report: HttpProbeReport): void {
  expect(report.failures).toEqual([]);
  expect(report.invalid).toEqual([]);
  expect(report.rounds).toBeGreaterThan(5);
}

/** Calls echo over HTTP in a loop until stopped; every answer must be 200 and ok. */
function goodTraffic(): { stop(): Promise<{ calls: number; failures: string[] }> } {
  let running = true;
  let calls = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (running && calls < 2000) {
      const res = await invoke('echo', 'echo', { text: `call ${calls}` });
      if (res.status !== 200 || res.json?.ok !== true || res.json.value?.text !== `call ${calls}`) {
        failures.push(`${res.status} ${res.text.slice(0, 200)}`);
      }
      calls++;
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { calls, failures };
    },
  };
}

function expectCallResult(res: ApiResponse): void {
  expect(res.status).toBe(200);
  expect(pluginInvokeResultSchema.safeParse(res.json).success).toBe(true);
}

describe('[CONTRACT 9] plugin health over HTTP', () => {
  it('[CONTRACT 9] GET /v1/plugins lists the built-ins and the --plugins folders; health and inspector are 200, unknown names 404', async () => {
    const list = await get('/v1/plugins');
    expect(list.status).toBe(200);
    expect(pluginListSchema.safeParse(list.json).success).toBe(true);
    const names: string[] = list.json.plugins.map((p: { name: string }) => p.name);
    expect(names).toEqual([...names].sort());
    for (const name of ['canvas-stats', 'whiteboard-thumbnail', 'frame-analysis', 'echo', 'segfault', 'gpu-only']) {
      expect(names).toContain(name);
    }
    const health = await get('/v1/plugins/echo/health');
    expect(health.status).toBe(200);
    expect(pluginHealthSchema.safeParse(health.json).success).toBe(true);
    expect(health.json).toMatchObject({ name: 'echo', version: '1.0.0' });
    const inspector = await get('/v1/plugins/frame-analysis');
    expect(inspector.status).toBe(200);
    expect(pluginInspectorSchema.safeParse(inspector.json).success).toBe(true);
    expect(inspector.json).toMatchObject({
      name: 'frame-analysis',
      device: 'cpu',
      tools: { analyze: { idempotent: true } },
    });
    for (const path of [
      '/v1/plugins/no-such-plugin/health',
      '/v1/plugins/no-such-plugin',
      '/v1/plugins/%E2%9C%93/health',
    ]) {
      expectErrorBody(await get(path), 404, 'not_found');
    }
    expectErrorBody(await api(env.gateway.url, 'GET', '/v1/plugins'), 401, 'unauthenticated');
  });

  it('[CONTRACT 9] plugins that cannot load: UNAVAILABLE with how to fix it, calls 503 unavailable, every time', async () => {
    const watch = probe();
    const declared = await get('/v1/plugins/import-missing-declared/health');
    expect(declared.json.state).toBe('UNAVAILABLE');
    expect(declared.json.reason).toMatch(
      /^import: Cannot find module 'easel-fixture-not-installed' \(install it in the plugin folder: cd \/.*\/import-missing-declared && npm install easel-fixture-not-installed\)$/,
    );
    expect((await get('/v1/plugins/import-missing/health')).json.state).toBe('LOADED');
    for (let round = 0; round < REPEAT; round++) {
      const res = await invoke('import-missing-declared', 'ok', {});
      expectErrorBody(res, 503, 'unavailable');
      expect(res.json.error.details).toMatchObject({ plugin: 'import-missing-declared', state: 'UNAVAILABLE' });
      expect(res.json.error.message).toContain(declared.json.reason);
      // Not declared: the first call finds out, then it is UNAVAILABLE too.
      const undeclared = await invoke('import-missing', 'ok', {});
      expectErrorBody(undeclared, 503, 'unavailable');
      expect(undeclared.json.error.message).toMatch(
        /install it in the plugin folder: cd \/.*\/import-missing && npm install/,
      );
      const gpu = await invoke('gpu-only', 'ok', {});
      expectErrorBody(gpu, 503, 'unavailable');
      expect(gpu.json.error.details.reason).toMatch(/^device: needs a GPU but none was found/);
      const invalid = await invoke('invalid-manifest', 'run', {});
      expectErrorBody(invalid, 503, 'unavailable');
      expect(invalid.json.error.details.reason).toMatch(/^plugin\.json: name: must match/);
      const init = await invoke('init-fails', 'ok', {});
      expectErrorBody(init, 503, 'unavailable');
      expect(init.json.error.message).toMatch(/init: model file weights\.bin is missing; next retry in/);
    }
    expect((await get('/v1/plugins/import-missing/health')).json.state).toBe('UNAVAILABLE');
    expect((await get('/v1/plugins/init-fails/health')).json).toMatchObject({
      state: 'FAILED',
      reason: expect.stringMatching(/^init: model file weights\.bin is missing; (next retry in|the next call retries)/),
    });
    expectCleanProbe(await watch.stop());
    expect(env.gateway.running).toBe(true);
  });
});

describe('[CONTRACT 9] runtime faults over HTTP', () => {
  for (const fault of RUNTIME_FAULTS) {
    it(`[CONTRACT 9] ${fault.plugin}: ${fault.kind} ${REPEAT}× while probes see only 200s; the next good call succeeds`, async () => {
      const watch = probe();
      const traffic = goodTraffic();
      for (let round = 1; round <= REPEAT; round++) {
        const res = await invoke(fault.plugin, fault.tool, {});
        expectCallResult(res);
        expect(res.json.ok).toBe(false);
        expect(res.json.error.kind).toBe(fault.kind);
        expect(res.json.error.message).toMatch(fault.message);
        const next = await invoke(fault.plugin, 'ok', {});
        expect(next.json).toMatchObject({ ok: true, value: { ok: true } });
        expect((await get(`/v1/plugins/${fault.plugin}/health`)).json.state).toBe('RUNNING');
      }
      const report = await watch.stop();
      const { calls, failures } = await traffic.stop();
      expectCleanProbe(report);
      expect(failures).toEqual([]);
      expect(calls).toBeGreaterThan(0);
      expect(env.gateway.running).toBe(true);
      const health = await get(`/v1/plugins/${fault.plugin}/health`);
      expect(health.json).toMatchObject({ state: 'RUNNING', success_count: REPEAT, error_count: REPEAT });
      const failed = (report.seen.get(fault.plugin) ?? []).filter((entry) => entry.state === 'FAILED');
      if (fault.crashes) {
        expect(failed.length).toBeGreaterThan(0);
        // A probe may see the backoff ("restarting in 0.1 s") or, when that was shorter than its
        // period (a loaded machine), only the restart itself ("restarting now").
        expect(failed[0]?.reason).toMatch(new RegExp(`^${fault.kind}: .*; restarting (in \\d+\\.\\d s|now)`));
      } else {
        expect(failed).toEqual([]);
      }
      const inspector = await get(`/v1/plugins/${fault.plugin}`);
      const errors = inspector.json.recent_errors.filter((e: { tool?: string }) => e.tool === fault.tool);
      expect(errors).toHaveLength(REPEAT);
      expect(errors[0].message).toMatch(new RegExp(`^${fault.kind}: `));
    });
  }

  it('[CONTRACT 9] concurrent calls during a crash each get exactly one answer; the next call succeeds', async () => {
    const before = (await get('/v1/plugins/exit/health')).json.error_count as number;
    const watch = probe();
    const sleepers = Array.from({ length: 4 }, () => invoke('exit', 'sleep', { ms: 3000 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const crash = invoke('exit', 'exit', { after_ms: 200 });
    const answers = await Promise.all([...sleepers, crash]);
    for (const res of answers) {
      expectCallResult(res);
      expect(res.json).toMatchObject({ ok: false, error: { kind: 'crashed' } });
    }
    const next = await invoke('exit', 'sleep', { ms: 1 });
    expect(next.json).toMatchObject({ ok: true, value: { slept: 1 } });
    expectCleanProbe(await watch.stop());
    expect((await get('/v1/plugins/exit/health')).json.error_count).toBe(before + 5);
  });

  it('[CONTRACT 9] repeated crashes open the breaker: 503 unavailable saying when it probes next', async () => {
    const watch = probe();
    let refused: ApiResponse | null = null;
    for (let attempt = 0; attempt < 8 && refused === null; attempt++) {
      const res = await invoke('abort', 'abort', {});
      if (res.status === 503) refused = res;
      else expect(res.json).toMatchObject({ ok: false, error: { kind: 'crashed' } });
    }
    expect(refused).not.toBeNull();
    expectErrorBody(refused!, 503, 'unavailable');
    expect(refused!.json.error.message).toMatch(/circuit open after 5 crashes in 60 s; next probe in \d+/);
    const again = await invoke('abort', 'ok', {});
    expectErrorBody(again, 503, 'unavailable');
    expect((await get('/v1/plugins/abort/health')).json.reason).toMatch(/^circuit open/);
    expectCleanProbe(await watch.stop());
  });
});

describe('[CONTRACT 9] invoke requests', () => {
  it('[CONTRACT 3] bad requests: 401, 400 naming the field, 403 tenant_mismatch / forbidden, 404 unknown plugin or tool', async () => {
    const path = '/v1/plugins/echo/tools/echo:invoke';
    expectErrorBody(
      await api(env.gateway.url, 'POST', path, { body: { scope: SCOPE, input: {} } }),
      401,
      'unauthenticated',
    );
    const notJson = await api(env.gateway.url, 'POST', path, {
      token: env.tokens.admin,
      rawBody: '{"scope":',
      headers: { 'content-type': 'application/json' },
    });
    expectErrorBody(notJson, 400, 'validation_failed');
    const outOfRange = await api(env.gateway.url, 'POST', path, {
      token: env.tokens.admin,
      rawBody: `{"scope":${JSON.stringify(SCOPE)},"input":{"n":[1,1e400]}}`,
      headers: { 'content-type': 'application/json' },
    });
    expectErrorBody(outOfRange, 400, 'validation_failed');
    expect(outOfRange.json.error.message).toMatch(/^input\.n\[1\]: number out of range/);
    const cases: Array<[unknown, RegExp]> = [
      [{ input: {} }, /^scope: required/],
      [{ scope: { ...SCOPE, project_id: 'Bad Project' }, input: {} }, /^scope\.project_id: /],
      [{ scope: SCOPE }, /^input: required/],
      [{ scope: SCOPE, input: {}, extra: 1 }, /extra: unknown field/],
    ];
    for (const [body, message] of cases) {
      const res = await api(env.gateway.url, 'POST', path, { token: env.tokens.admin, body });
      expectErrorBody(res, 400, 'validation_failed');
      expect(res.json.error.message).toMatch(message);
    }
    expectErrorBody(
      await invoke('echo', 'echo', { text: 'x' }, { scope: { ...SCOPE, tenant_id: 'evil' } }),
      403,
      'tenant_mismatch',
    );
    expectErrorBody(
      await invoke('echo', 'echo', { text: 'x' }, { token: env.tokens.intruder }),
      403,
      'tenant_mismatch',
    );
    const viewer = await invoke('echo', 'echo', { text: 'x' }, { token: env.tokens.viewer });
    expectErrorBody(viewer, 403, 'forbidden');
    expect(viewer.json.error.message).toMatch(/your roles \(viewer\) may run no commands/);
    expectErrorBody(await invoke('no-such-plugin', 'run', {}), 404, 'not_found');
    const noTool = await invoke('echo', 'nope', {});
    expectErrorBody(noTool, 404, 'not_found');
    expect(noTool.json.error.message).toMatch(/plugin "echo" has no tool "nope" \(tools: echo, /);
    // The ":invoke" suffix is the route: without it there is none, with it the colon is not a parameter.
    expectErrorBody(
      await api(env.gateway.url, 'POST', '/v1/plugins/echo/tools/echo', {
        token: env.tokens.admin,
        body: { scope: SCOPE, input: {} },
      }),
      404,
      'not_found',
    );
    const escaped = await api(env.gateway.url, 'POST', '/v1/plugins/echo/tools/echo%3Ainvoke', {
      token: env.tokens.admin,
      body: { scope: SCOPE, input: { text: 'x' } },
    });
    expectErrorBody(escaped, 404, 'not_found');
    // Input against the tool's JSON Schema: a 200 with invalid_input, nothing run.
    const invalid = await invoke('echo', 'echo', { text: 5 });
    expectCallResult(invalid);
    expect(invalid.json).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    expect((await invoke('echo', 'echo', { text: 'fine' })).json).toMatchObject({ ok: true, value: { text: 'fine' } });
  });

  it("[CONTRACT 4] a call's progress, warnings and partial results stream as telemetry on /v1/realtime", async () => {
    const stream = new SseClient(env.world.realtimeUrl(SCOPE), { token: env.tokens.admin });
    try {
      expect((await stream.open()).status).toBe(200);
      const res = await invoke('slow-progress', 'work', {});
      expect(res.json).toMatchObject({ ok: true, value: { steps: 10 } });
      await stream.waitFor((f) => f.event === 'progress' && f.json?.payload?.percent === 100, 5000, 'progress 100');
      const of = (type: string) => stream.frames.filter((f) => f.event === type).map((f) => f.json);
      for (const env of [...of('progress'), ...of('warning'), ...of('partial_result')]) {
        expect(env.durable).toBe(false);
        expect(env.scope).toMatchObject(SCOPE);
      }
      expect(of('progress').every((e) => progressPayloadSchema.safeParse(e.payload).success)).toBe(true);
      expect(of('progress')[0].payload).toMatchObject({ plugin: 'slow-progress', tool: 'work' });
      expect(of('warning').map((e) => warningPayloadSchema.parse(e.payload).message)).toContain(
        'halfway: frame 5 is blurry',
      );
      const partials = of('partial_result');
      expect(partials.every((e) => partialResultPayloadSchema.safeParse(e.payload).success)).toBe(true);
      expect(partials.at(-1).payload).toMatchObject({ plugin: 'slow-progress', tool: 'work', payload: { step: 10 } });
      expect(stream.durable()).toEqual([]);
    } finally {
      stream.close();
    }
  });
});
