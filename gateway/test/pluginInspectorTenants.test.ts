import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pluginInspectorSchema } from '@easel/schemas';
import { afterAll, describe, expect, it } from 'vitest';
import { api } from './harness/api.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';

// The plugin inspector, health and list are read by every tenant (contract §1 tenant scope, §9):
// what one tenant's calls left there (warning texts, thrown messages, a crash's stderr line, which
// can all carry the call's input) must reach that tenant only, and within it only roles that may
// run plugins. A real gateway process with the built-ins and a plugin written here whose warning,
// error and crash repeat a marker from the call's input.

const PLUGINS = mkdtempSync(join(tmpdir(), 'easel-inspector-tenants-'));
const PROBE = join(PLUGINS, 'tenant-probe');
mkdirSync(PROBE);
const OBJECT = { type: 'object', properties: { marker: { type: 'string' } }, required: ['marker'] };
const TOOL = { timeout_ms: 5000, memory_mb: 64, idempotent: true, input: OBJECT, output: {} };
writeFileSync(
  join(PROBE, 'plugin.json'),
  JSON.stringify({
    name: 'tenant-probe',
    version: '1.0.0',
    description: 'Repeats its input in a warning, an error and a crash (stderr).',
    entry: 'index.mjs',
    device: 'cpu',
    tools: {
      warn: { ...TOOL, description: 'warns with input.marker' },
      fail: { ...TOOL, description: 'throws with input.marker' },
      crash: { ...TOOL, description: 'prints input.marker on stderr, then exits 1' },
    },
  }),
);
writeFileSync(
  join(PROBE, 'index.mjs'),
  `export const tools = {
  warn: async (input, ctx) => {
    ctx.warn('probe warning ' + input.marker);
    return { ok: true };
  },
  fail: async (input) => {
    throw new Error('probe failed on ' + input.marker);
  },
  crash: async (input) => {
    console.error('Error: probe crashed on ' + input.marker);
    process.exit(1);
  },
};
`,
);

// A second plugin (its own breaker): `slow` marks that it started (a file in its folder) and waits,
// so another tenant's `crash` ends the process while it is in flight.
const CROWD = join(PLUGINS, 'crowd-probe');
mkdirSync(CROWD);
const SLOW_INPUT = {
  type: 'object',
  properties: { marker: { type: 'string' }, sleep_ms: { type: 'integer', minimum: 0, maximum: 60_000 } },
  required: ['marker', 'sleep_ms'],
};
writeFileSync(
  join(CROWD, 'plugin.json'),
  JSON.stringify({
    name: 'crowd-probe',
    version: '1.0.0',
    description: 'A slow tool and one that crashes with its input on stderr.',
    entry: 'index.mjs',
    device: 'cpu',
    tools: {
      slow: { ...TOOL, timeout_ms: 60_000, input: SLOW_INPUT, description: 'waits input.sleep_ms' },
      crash: { ...TOOL, description: 'prints input.marker on stderr, then exits 1' },
    },
  }),
);
writeFileSync(
  join(CROWD, 'index.mjs'),
  `import { writeFileSync } from 'node:fs';
export const tools = {
  slow: async (input) => {
    writeFileSync('started-' + input.marker, '');
    await new Promise((resolve) => setTimeout(resolve, input.sleep_ms));
    return { ok: true };
  },
  crash: async (input) => {
    console.error('Error: probe crashed on ' + input.marker);
    process.exit(1);
  },
};
`,
);

const env = gatewayPerFile(
  {
    acme: { tenant: 'acme', sub: 'ann' },
    acmeViewer: { tenant: 'acme', sub: 'vic', roles: ['viewer'] },
    evil: { tenant: 'evil', sub: 'mallory' },
  },
  { args: ['--plugins', PLUGINS] },
);

afterAll(() => rmSync(PLUGINS, { recursive: true, force: true }));

const ACME_MARKER = 'acme-secret-root-7f3a';
const EVIL_MARKER = 'evil-own-marker-91c2';

function scopeOf(tenant: string) {
  return { tenant_id: tenant, project_id: 'inspector-tenants', app_id: 'test-app', surface_id: 'main', mode: 'edit' };
}

function invoke(token: string, tenant: string, plugin: string, tool: string, input: unknown) {
  return api(env.gateway.url, 'POST', `/v1/plugins/${plugin}/tools/${tool}:invoke`, {
    token,
    body: { scope: scopeOf(tenant), input },
    timeoutMs: 30_000,
  });
}

/** Everything a caller can read about plugins: the list, and each plugin's health and inspector. */
async function everythingReadable(token: string, plugins: string[]): Promise<string> {
  const texts: string[] = [];
  const list = await api(env.gateway.url, 'GET', '/v1/plugins', { token });
  expect(list.status).toBe(200);
  texts.push(list.text);
  for (const name of plugins) {
    const health = await api(env.gateway.url, 'GET', `/v1/plugins/${name}/health`, { token });
    expect(health.status).toBe(200);
    texts.push(health.text);
    const inspector = await api(env.gateway.url, 'GET', `/v1/plugins/${name}`, { token });
    expect(inspector.status).toBe(200);
    expect(pluginInspectorSchema.safeParse(inspector.json).success).toBe(true);
    texts.push(inspector.text);
  }
  return texts.join('\n');
}

describe('[CONTRACT 1] [CONTRACT 9] the plugin inspector, health and list are tenant-scoped', {
  timeout: 90_000,
}, () => {
  it("[CONTRACT 1] one tenant's plugin warnings, errors and crash output never reach another tenant or a read-only role", async () => {
    const { acme, acmeViewer, evil } = env.tokens;
    // canvas-stats names the offending root in its error: a tenant's own data.
    const big = await invoke(acme, 'acme', 'canvas-stats', 'stats', {
      frame: { kind: 'canvas', canvas_type: 'whiteboard', state: { [ACME_MARKER]: 'x'.repeat(100_001) }, tokens: {} },
      index: 0,
    });
    expect(big.status).toBe(200);
    expect(big.json).toMatchObject({ ok: false, error: { kind: 'threw' } });
    expect(big.json.error.message).toContain(ACME_MARKER);

    const warned = await invoke(acme, 'acme', 'tenant-probe', 'warn', { marker: ACME_MARKER });
    expect(warned.json).toMatchObject({ ok: true });
    const failed = await invoke(acme, 'acme', 'tenant-probe', 'fail', { marker: ACME_MARKER });
    expect(failed.json).toMatchObject({ ok: false, error: { kind: 'threw' } });
    // (before the breaker opens below)
    const evilFailed = await invoke(evil, 'evil', 'tenant-probe', 'fail', { marker: EVIL_MARKER });
    expect(evilFailed.json).toMatchObject({ ok: false });

    // Five crashes open the breaker: health then keeps the last failure in its reason for 30 s.
    let health: Record<string, unknown> = {};
    for (let crash = 0; crash < 5; crash++) {
      const crashed = await invoke(acme, 'acme', 'tenant-probe', 'crash', { marker: ACME_MARKER });
      expect(crashed.status).toBe(200);
      expect(crashed.json).toMatchObject({ ok: false, error: { kind: 'crashed' } });
      expect(crashed.json.error.message).toContain(ACME_MARKER);
    }
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      health = (await api(env.gateway.url, 'GET', '/v1/plugins/tenant-probe/health', { token: acme })).json;
      if (/^circuit open/.test(String(health.reason ?? ''))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(health.reason).toMatch(/^circuit open.*last failure: crashed: the plugin process exited with code 1/);
    // A refused call's 503 names the reason too, to any tenant calling.
    const refused = await invoke(evil, 'evil', 'tenant-probe', 'warn', { marker: 'x' });
    expect(refused.status).toBe(503);
    expect(refused.text).not.toContain(ACME_MARKER);

    const plugins = ['canvas-stats', 'tenant-probe'];
    const seenByEvil = await everythingReadable(evil, plugins);
    expect(seenByEvil).not.toContain(ACME_MARKER);
    expect(seenByEvil).toContain(EVIL_MARKER);
    const seenByViewer = await everythingReadable(acmeViewer, plugins);
    expect(seenByViewer).not.toContain(ACME_MARKER);
    expect(seenByViewer).not.toContain(EVIL_MARKER);

    // The tenant that made the calls still sees all of them, and not the other tenant's.
    const stats = (await api(env.gateway.url, 'GET', '/v1/plugins/canvas-stats', { token: acme })).json;
    expect(stats.recent_errors.some((e: { message: string }) => e.message.includes(ACME_MARKER))).toBe(true);
    const probe = (await api(env.gateway.url, 'GET', '/v1/plugins/tenant-probe', { token: acme })).json;
    const messages = (entries: Array<{ tool?: string; message: string }>, tool: string) =>
      entries.filter((e) => e.tool === tool && e.message.includes(ACME_MARKER)).length;
    expect(messages(probe.recent_warnings, 'warn')).toBe(1);
    expect(messages(probe.recent_errors, 'fail')).toBe(1);
    expect(messages(probe.recent_errors, 'crash')).toBe(5);
    expect(JSON.stringify(probe)).not.toContain(EVIL_MARKER);
    // The plugin's own crash entries (no tool) are every tenant's, without the stderr line.
    const own = probe.recent_errors.filter((e: { tool?: string }) => e.tool === undefined);
    expect(own.length).toBeGreaterThanOrEqual(5);
    for (const entry of own) expect(entry.message).toMatch(/^crashed: the plugin process exited with code 1/);
    const evilProbe = (await api(env.gateway.url, 'GET', '/v1/plugins/tenant-probe', { token: evil })).json;
    expect(evilProbe.recent_errors.filter((e: { tool?: string }) => e.tool === undefined)).toEqual(own);
  });

  it("[CONTRACT 9] a job's plugin errors are its tenant's: shown to it, never to another tenant", async () => {
    const { acme, evil } = env.tokens;
    const marker = 'acme-job-root-5d81';
    const scope = scopeOf('acme');
    const submitted = await api(env.gateway.url, 'POST', '/v1/jobs', {
      token: acme,
      body: {
        scope,
        pipeline: ['canvas-stats'],
        device_requested: 'cpu',
        input: {
          frames: [{ kind: 'canvas', canvas_type: 'whiteboard', state: { [marker]: 'x'.repeat(100_001) }, tokens: {} }],
        },
      },
    });
    expect(submitted.status).toBe(202);
    const path = `/v1/jobs/${submitted.json.job_id}?${new URLSearchParams(scope)}`;
    let status = '';
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && status !== 'failed' && status !== 'succeeded') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await api(env.gateway.url, 'GET', path, { token: acme })).json?.status ?? '';
    }
    expect(status).toBe('failed');
    const mine = (await api(env.gateway.url, 'GET', '/v1/plugins/canvas-stats', { token: acme })).json;
    expect(mine.recent_errors.some((e: { message: string }) => e.message.includes(marker))).toBe(true);
    expect(await everythingReadable(evil, ['canvas-stats'])).not.toContain(marker);
  });

  it("[CONTRACT 1] [CONTRACT 9] a crash's stderr line reaches only the calls of the tenant whose call crashed, not another tenant's call in flight", async () => {
    const { acme, evil } = env.tokens;
    const marker = 'acme-crash-root-3b9e';
    const evilMarker = 'evil-slow-call-6a0d';
    // evil's call is running in the plugin process when acme's call makes it crash.
    const slow = invoke(evil, 'evil', 'crowd-probe', 'slow', { marker: evilMarker, sleep_ms: 30_000 });
    const started = join(CROWD, `started-${evilMarker}`);
    const deadline = Date.now() + 20_000;
    while (!existsSync(started) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(existsSync(started)).toBe(true);
    const crashed = await invoke(acme, 'acme', 'crowd-probe', 'crash', { marker });
    const evilAnswer = await slow;

    // acme's own call keeps the detail; evil's gets the same kind, without acme's stderr line.
    expect(crashed.json).toMatchObject({ ok: false, error: { kind: 'crashed' } });
    expect(crashed.json.error.message).toContain(marker);
    expect(evilAnswer.status).toBe(200);
    expect(evilAnswer.json).toMatchObject({ ok: false, error: { kind: 'crashed' } });
    expect(evilAnswer.json.error.message).toMatch(/^the plugin process exited with code 1 \(details withheld: /);
    expect(evilAnswer.text).not.toContain(marker);

    const seenByEvil = await everythingReadable(evil, ['crowd-probe']);
    expect(seenByEvil).not.toContain(marker);
    expect(seenByEvil).toContain('details withheld');
    const mine = (await api(env.gateway.url, 'GET', '/v1/plugins/crowd-probe', { token: acme })).json;
    expect(
      mine.recent_errors.some(
        (e: { tool?: string; message: string }) => e.tool === 'crash' && e.message.includes(marker),
      ),
    ).toBe(true);
  });
});
