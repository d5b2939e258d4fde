import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessGateway } from '../../test/harness/InProcessGateway.ts';
import { type RawResponse, rawExchange } from '../../test/harness/rawHttp.ts';
import {
  BODY_LIMIT_DEFAULTS,
  BODY_ROUTES,
  type BodyRouteName,
  bodyLimit,
  DEV_TOKEN_BODY_BYTES,
  findBodyRoute,
  routeBodyLimit,
} from './bodyRoutes.ts';
import type { HttpDeps } from './HttpDeps.ts';
import { formatBytes } from './jsonBody.ts';

const SECRET = 'body-routes-secret-0123456789abcdef';
/** Small, distinct limits, so each route's limit shows in its 413 message. */
const LIMITS = { bodyBytes: 3 * 1024, batchBodyBytes: 5 * 1024, pluginBodyBytes: 7 * 1024 } as const;

/** A request to each route (typed: a new route needs an example here). */
const EXAMPLES: Record<BodyRouteName, readonly ['POST' | 'PUT', string]> = {
  command: ['POST', '/v1/commands'],
  commandBatch: ['POST', '/v1/commands:batch/'],
  pluginInvoke: ['POST', '/v1/plugins/p1/tools/t1:invoke'],
  job: ['POST', '/v1/jobs'],
  run: ['POST', '/v1/runs'],
  sidecar: ['POST', '/v1/sidecars'],
  sidecarComplete: ['POST', '/v1/sidecars/a1/complete'],
  lensPolicy: ['PUT', '/v1/projects/p1/lens'],
  canvasType: ['PUT', '/v1/projects/p1/canvas-types/t1'],
  presenceTicket: ['POST', '/v1/presence/tickets'],
  devToken: ['POST', '/v1/dev/tokens'],
};

const deps = (extra: Partial<HttpDeps> = {}) =>
  ({ limits: LIMITS, presence: null, devSecret: null, ...extra }) as HttpDeps;

describe('BODY_ROUTES', () => {
  it('[CONTRACT 3] limits default to 1 MiB, batch 8 MiB, plugin calls and jobs 16 MiB, and are configurable', () => {
    const none = {} as Pick<HttpDeps, 'limits'>;
    expect(routeBodyLimit(none, 'command')).toBe(1024 * 1024);
    expect(routeBodyLimit(none, 'commandBatch')).toBe(8 * 1024 * 1024);
    expect(routeBodyLimit(none, 'pluginInvoke')).toBe(16 * 1024 * 1024);
    expect(routeBodyLimit(none, 'job')).toBe(BODY_LIMIT_DEFAULTS.pluginBodyBytes);
    expect(routeBodyLimit(none, 'devToken')).toBe(64 * 1024);
    expect(routeBodyLimit({ limits: { batchBodyBytes: 10 } }, 'commandBatch')).toBe(10);
    expect(routeBodyLimit({ limits: { batchBodyBytes: 10 } }, 'command')).toBe(1024 * 1024);
    expect(bodyLimit({ limits: LIMITS }, 'devToken')).toBe(DEV_TOKEN_BODY_BYTES);
  });

  it('[CONTRACT 3] paths match as Express matches them: case-sensitive, optional trailing slash, one segment per parameter', () => {
    for (const [name, [method, path]] of Object.entries(EXAMPLES)) {
      const served = deps({ presence: {} as HttpDeps['presence'], devSecret: 's' });
      expect(findBodyRoute(served, method, path), name).toBe(BODY_ROUTES[name as BodyRouteName]);
    }
    const d = deps();
    expect(findBodyRoute(d, 'POST', '/v1/commands/')).toBe(BODY_ROUTES.command);
    expect(findBodyRoute(d, 'POST', '/v1/Commands')).toBeNull();
    expect(findBodyRoute(d, 'POST', '/v1/commands//')).toBeNull();
    expect(findBodyRoute(d, 'POST', '/v1/commands:batchx')).toBeNull();
    expect(findBodyRoute(d, 'GET', '/v1/commands')).toBeNull();
    expect(findBodyRoute(d, 'PUT', '/v1/commands')).toBeNull();
    expect(findBodyRoute(d, 'POST', '/v1/projects/p1/lens')).toBeNull();
    expect(findBodyRoute(d, 'PUT', '/v1/projects/a/b/lens')).toBeNull();
    expect(findBodyRoute(d, 'POST', '/v1/plugins/p/tools/t:invoke/x')).toBeNull();
    // Registered only when served: absent, the request is Express's 404.
    expect(findBodyRoute(d, 'POST', '/v1/presence/tickets')).toBeNull();
    expect(findBodyRoute(d, 'POST', '/v1/dev/tokens')).toBeNull();
  });
});

describe('each body route reads under its BODY_ROUTES limit, and Expect: 100-continue is answered by it', () => {
  let gw: InProcessGateway;
  beforeAll(async () => {
    gw = await InProcessGateway.start({ secret: SECRET, prefix: 'easel-body-routes-', dev: true, limits: LIMITS });
  });
  afterAll(() => gw.close());

  const request = (method: string, path: string, length: number, body: string, expect100: boolean) =>
    Buffer.from(
      `${method} ${path} HTTP/1.1\r\nhost: gateway\r\nauthorization: Bearer ${gw.admin}\r\n` +
        `content-type: application/json\r\ncontent-length: ${length}\r\nconnection: close\r\n` +
        `${expect100 ? 'expect: 100-continue\r\n' : ''}\r\n${body}`,
    );
  const errorOf = (r: RawResponse | undefined) =>
    (JSON.parse(r?.body ?? 'null') as { error: { code: string; message: string } }).error;
  /** `{}` padded with spaces to `bytes` (valid JSON). */
  const body = (bytes: number) => `{}${' '.repeat(bytes - 2)}`;

  it('[CONTRACT 3] one byte over: 413 naming the limit, with or without Expect (then without 100 Continue); at the limit: 100 Continue', async () => {
    for (const [name, [method, path]] of Object.entries(EXAMPLES) as [
      BodyRouteName,
      (typeof EXAMPLES)[BodyRouteName],
    ][]) {
      const limit = routeBodyLimit({ limits: LIMITS }, name);
      const plain = await rawExchange(gw.url, [request(method, path, limit + 1, body(limit + 1), false)], 3000);
      expect(
        plain.responses.map((r) => r.status),
        name,
      ).toEqual([413]);
      expect(errorOf(plain.responses[0]).message, name).toContain(formatBytes(limit));

      const early = await rawExchange(gw.url, [request(method, path, limit + 1, '', true)], 3000);
      expect(
        early.responses.map((r) => r.status),
        name,
      ).toEqual([413]);
      expect(errorOf(early.responses[0]).message, name).toBe(errorOf(plain.responses[0]).message);
      expect(early.responses[0]?.headers.connection, name).toBe('close');
      expect(early.closedByServer, name).toBe(true);

      const within = await rawExchange(
        gw.url,
        [request(method, path, limit, '', true), { pauseMs: 50 }, body(limit)],
        3000,
      );
      expect(within.responses[0]?.status, name).toBe(100);
      expect(within.responses[1]?.status, name).not.toBe(413);
    }
  });
});
