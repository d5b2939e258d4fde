import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway, openEmbeddedEngines } from '../compose.ts';
import { createMetrics } from '../metrics/createMetrics.ts';
import { rawExchange } from '../../test/harness/rawHttp.ts';
import { isReservedPath } from './staticHost.ts';

const SECRET = 'static-host-test-secret-0123456789abcdef';
const INDEX =
  '<!doctype html><html><body><div id="root"></div><script src="/assets/index-Ab12Cd34.js"></script></body></html>';
const SCRIPT = 'console.log("easel host");';
const STYLE = 'body{margin:0}';

let dir: string;
let hostDir: string;
let gw: Gateway;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'easel-static-'));
  hostDir = path.join(dir, 'dist');
  mkdirSync(path.join(hostDir, 'assets'), { recursive: true });
  writeFileSync(path.join(hostDir, 'index.html'), INDEX);
  writeFileSync(path.join(hostDir, 'assets', 'index-Ab12Cd34.js'), SCRIPT);
  writeFileSync(path.join(hostDir, 'assets', 'index-Zz98Yy76.css'), STYLE);
  writeFileSync(path.join(hostDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the host dir');
  const engines = openEmbeddedEngines({ dataDir: path.join(dir, 'data'), durability: 'normal' });
  if (!engines.ok) throw new Error(engines.message);
  gw = await createGateway({
    spine: engines.value.spine,
    bus: engines.value.bus,
    auth: { secret: SECRET },
    dev: { secret: SECRET },
    logger: pino({ level: 'silent' }),
    metrics: createMetrics({ processMetrics: false }),
    closeGraceMs: 200,
    hostDir,
  });
  ({ url } = await gw.listen(0));
});

afterAll(async () => {
  await gw.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw request (no URL normalization by the client, so `..` and odd encodings reach the server). */
function raw(
  method: string,
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path: rawPath, headers, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('the static host (easel dev serves host/dist at /)', () => {
  it('[CONTRACT 12] / answers index.html as html that must be revalidated', async () => {
    const res = await raw('GET', '/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers.etag).toMatch(/^W\/"/);
    expect(res.body).toBe(INDEX);
    const again = await raw('GET', '/', { 'if-none-match': String(res.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('[CONTRACT 12] hashed assets carry their content type and are immutable', async () => {
    const js = await raw('GET', '/assets/index-Ab12Cd34.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-length']).toBe(String(Buffer.byteLength(SCRIPT)));
    expect(js.body).toBe(SCRIPT);
    const css = await raw('GET', '/assets/index-Zz98Yy76.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toBe(STYLE);
    const svg = await raw('GET', '/favicon.svg');
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['cache-control']).toBe('no-cache');
    const head = await raw('HEAD', '/assets/index-Ab12Cd34.js');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(SCRIPT)));
    expect(head.body).toBe('');
  });

  it('[CONTRACT 12] an unknown path without an extension falls back to index.html (URL is the state)', async () => {
    for (const p of ['/?actor=director&flow=demo', '/studio', '/flows/demo/canvas-1?actor=planner', '/index']) {
      const res = await raw('GET', p);
      expect(res.status, p).toBe(200);
      expect(res.headers['content-type'], p).toBe('text/html; charset=utf-8');
      expect(res.body, p).toBe(INDEX);
    }
  });

  it('[CONTRACT 3] a missing file with an extension is the gateway 404 (no html fallback)', async () => {
    const res = await raw('GET', '/assets/missing-00000000.js');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body).error.code).toBe('not_found');
  });

  it('[CONTRACT 11] never shadows /v1, /healthz, /readyz and /metrics', async () => {
    const health = await raw('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    const ready = await raw('GET', '/readyz');
    expect(JSON.parse(ready.body).status).toBe('ready');
    const metrics = await raw('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    // Unknown API paths stay contract §3 errors, never the app's html.
    for (const p of ['/v1', '/v1/', '/v1/nope', '/v1/canvases/x', '/%761/nope', '/healthz/x']) {
      const res = await raw('GET', p);
      expect(res.headers['content-type'], p).toMatch(/^application\/json/);
      expect(res.body, p).not.toContain('<html');
    }
    // The dev token route still answers (POST is never the static host's).
    const minted = await fetch(`${url}/v1/dev/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'dana', roles: ['director'] }),
    });
    expect(minted.status).toBe(200);
    expect(typeof ((await minted.json()) as { token: unknown }).token).toBe('string');
  });

  it('[CONTRACT 12] other methods and paths outside the host dir are not served', async () => {
    const post = await raw('POST', '/');
    expect(post.status).toBe(404);
    expect(post.body).not.toContain('<html');
    for (const p of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f..%2fsecret.txt',
    ]) {
      const res = await raw('GET', p);
      expect(res.body, p).not.toContain('outside the host dir');
    }
    const hidden = await raw('GET', '/.env');
    expect(hidden.status).toBe(404);
  });

  it('[CONTRACT 12] isReservedPath: exactly the gateway prefixes and what is below them', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('/v1', '/healthz', '/readyz', '/metrics'),
        fc.stringMatching(/^[a-z0-9/._~-]{0,40}$/),
        (prefix, rest) => {
          expect(isReservedPath(prefix)).toBe(true);
          expect(isReservedPath(`${prefix}/${rest.replace(/^\/+/, '')}`)).toBe(true);
          // A longer name that merely starts like a prefix is not reserved.
          expect(isReservedPath(`${prefix}x${rest.startsWith('/') ? rest : `/${rest}`}`)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
    expect(isReservedPath('/')).toBe(false);
    expect(isReservedPath('/assets/app.js')).toBe(false);
  });

  it('[CONTRACT 3] behind the static host, an Expect: 100-continue body over the limit is still 413 before any upload', async () => {
    const got = await rawExchange(
      url,
      [
        'POST /v1/commands HTTP/1.1\r\nhost: x\r\nauthorization: Bearer x.y.z\r\ncontent-type: application/json\r\n' +
          `content-length: ${1024 * 1024 + 1}\r\nexpect: 100-continue\r\n\r\n`,
      ],
      3000,
    );
    expect(got.responses.map((r) => r.status)).toEqual([413]);
    expect(got.closedByServer).toBe(true);
  });
});
