import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliGateway } from './support/devGateway.ts';

/** `pnpm easel dev`: builds the host when stale, serves it at `/`, prints links per actor. */
describe('easel dev serves the host app', () => {
  let dev: CliGateway;

  beforeAll(async () => {
    // A first start may build host/dist with Vite (progress lines), so the wait is generous.
    dev = await CliGateway.start({
      args: ['dev', '--durability', 'normal'],
      readyWhen: /agent +http\S+\n/,
      timeoutMs: 110_000,
    });
  }, 120_000);

  afterAll(async () => {
    await dev?.dispose();
  });

  it('[CONTRACT 12] prints the host URL and one link per actor', () => {
    expect(dev.output).toContain(`Host app: ${dev.url}/`);
    for (const actor of ['director', 'planner', 'viewer', 'agent']) {
      expect(dev.output).toMatch(new RegExp(`${actor} +${dev.url.replace(/[.]/g, '\\.')}/\\?actor=${actor}&flow=demo`));
    }
  });

  it('[CONTRACT 12] / is the built app: html whose script and stylesheet are served with their types', async () => {
    const page = await fetch(`${dev.url}/?actor=planner&flow=demo`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const style = /<link rel="stylesheet" crossorigin href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    const js = await fetch(`${dev.url}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await js.text()).length).toBeGreaterThan(1000);
    const css = await fetch(`${dev.url}${style}`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    // A client-side route falls back to the app.
    const deep = await fetch(`${dev.url}/flows/demo`);
    expect(await deep.text()).toBe(html);
  });

  it('[CONTRACT 11] the API is not shadowed: health, dev tokens and unknown /v1 paths', async () => {
    expect(await (await fetch(`${dev.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const minted = await fetch(`${dev.url}/v1/dev/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'pat-planner', roles: ['planner'] }),
    });
    expect(minted.status).toBe(200);
    const missing = await fetch(`${dev.url}/v1/nothing-here`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('[CONTRACT 6] types and bundled canvases are set up server side; a planner reads manifests through its lens', async () => {
    const minted = await fetch(`${dev.url}/v1/dev/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'pat-planner', roles: ['planner'] }),
    });
    const { token } = (await minted.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    for (const type of ['doc', 'run-console', 'media']) {
      expect((await fetch(`${dev.url}/v1/projects/demo/canvas-types/${type}`, { headers: auth })).status).toBe(200);
    }
    const scope = 'tenant_id=demo&project_id=demo&app_id=host&surface_id=main&mode=edit';
    for (const canvas of ['demo-board', 'split-doc', 'console-media']) {
      expect((await fetch(`${dev.url}/v1/canvases/${canvas}?${scope}`, { headers: auth })).status).toBe(200);
    }
    const listed = await (await fetch(`${dev.url}/v1/projects/demo/canvas-types`, { headers: auth })).text();
    expect(listed).toContain('plan.title');
    expect(listed).not.toContain('director.secret');
    expect(listed).not.toContain('Launch moves to Thursday');
    const board = await (await fetch(`${dev.url}/v1/projects/demo/canvas-types/board`, { headers: auth })).text();
    expect(board).not.toContain('director.secret');
  });
});
