import { connect, type Socket } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { ERROR_CODE_LIST, errorStatus } from '@easel/schemas';
import { ulid } from 'ulid';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, TestWorld } from './harness/api.ts';
import { GatewayProcess } from './harness/GatewayProcess.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { type RawExchange, type RawPart, type RawResponse, rawExchange, rawPost } from './harness/rawHttp.ts';
import { SseClient } from './harness/SseClient.ts';

/** Short HTTP timeouts, so slow clients are cut within the test. */
const HEADERS_TIMEOUT_MS = 1500;
const REQUEST_TIMEOUT_MS = 2500;
const env = gatewayPerFile(
  { admin: { tenant: 'acme' }, intruder: { tenant: 'evil', sub: 'mallory' } },
  {
    env: {
      EASEL_HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      EASEL_HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      EASEL_HTTP_TIMEOUT_CHECK_MS: '200',
      // The slow-consumer checks write thousands of commands as one actor as fast as they can.
      EASEL_COMMAND_RATE: '0',
    },
  },
);

const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const STATUS_OF: Record<string, number> = Object.fromEntries(ERROR_CODE_LIST.map((c) => [c, errorStatus(c)]));

/** Asserts a contract §3 error answer (status, code, a message, a ULID request id) and returns its message. */
function expectError(res: RawResponse | undefined, status: number, code: string): string {
  expect(res, 'an answer').toBeDefined();
  const r = res as RawResponse;
  expect({ status: r.status, type: r.headers['content-type'] }).toEqual({
    status,
    type: 'application/json; charset=utf-8',
  });
  const body = JSON.parse(r.body) as { error: { code: string; message: string; request_id: string } };
  expect(body.error.code).toBe(code);
  expect(STATUS_OF[body.error.code]).toBe(status);
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(body.error.request_id).toMatch(ULID_RE);
  return body.error.message;
}

const json = (r: RawResponse | undefined) => JSON.parse(r?.body ?? 'null');

function tokenSet(scope: Record<string, string>, value: unknown, commandId: string = ulid(), tokenId = 'plan.title') {
  return { command_id: commandId, type: 'token.set', scope, payload: { token_id: tokenId, value } };
}

/** The canvas as `GET /v1/canvases/{id}` reads it. */
async function readCanvas(scope: Record<string, string>) {
  const { canvas_id, ...rest } = scope;
  const res = await api(env.gateway.url, 'GET', `/v1/canvases/${canvas_id}?${new URLSearchParams(rest)}`, {
    token: env.tokens.admin,
  });
  expect(res.status).toBe(200);
  return res.json as { revision: number; tokens: Record<string, unknown>; state: Record<string, unknown> };
}

const exchange = (parts: Parameters<typeof rawExchange>[1], waitMs?: number): Promise<RawExchange> =>
  rawExchange(env.gateway.url, parts, waitMs);

let outputSeen = 0;
afterEach(async () => {
  // Whatever a test sent, the process is up, serves, and printed no stack trace or error log.
  expect(env.gateway.running).toBe(true);
  const health = await api(env.gateway.url, 'GET', '/healthz');
  expect(health.status).toBe(200);
  const printed = env.gateway.output.slice(outputSeen);
  outputSeen = env.gateway.output.length;
  expect(printed).not.toMatch(/\n\s+at |"level":(50|60)|Unhandled|uncaught|RangeError|TypeError/i);
});

/** `easel_http_body_bytes_in_flight` of the gateway at `url` once it equals `bytes`, else what it was after a bounded wait. */
async function inFlightReaches(url: string, bytes: number): Promise<number> {
  let seen = -1;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    const res = await api(url, 'GET', '/metrics');
    seen = Number(/^easel_http_body_bytes_in_flight (\d+)$/m.exec(res.text)?.[1] ?? -1);
    if (seen === bytes) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return seen;
}

describe('hostile and broken HTTP clients', () => {
  it('[CONTRACT 5] commands pipelined before garbage are answered first, in order, then the 400; each is applied once', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'pipe', 'c1');
    const before = await readCanvas(scope);
    const a = rawPost('/v1/commands', env.tokens.admin, JSON.stringify(tokenSet(scope, 'first')));
    const b = rawPost('/v1/commands', env.tokens.admin, JSON.stringify(tokenSet(scope, 'second')));
    const got = await exchange([Buffer.concat([a, b, Buffer.from('GARBAGE / HTTP/1.1\r\n\r\n')])]);
    expect(got.responses.map((r) => r.status)).toEqual([200, 200, 400]);
    expect(json(got.responses[0]).status).toBe('committed');
    expect(json(got.responses[1]).revision).toBe(before.revision + 2);
    expect(expectError(got.responses[2], 400, 'validation_failed')).toMatch(/unknown HTTP method/);
    expect(got.responses[2]?.headers.connection).toBe('close');
    expect(got.closedByServer).toBe(true);
    const after = await readCanvas(scope);
    expect({ revision: after.revision, title: after.tokens['plan.title'] }).toEqual({
      revision: before.revision + 2,
      title: 'second',
    });

    // A body longer than its Content-Length, on a `connection: close` request: the command's own
    // answer (the extra bytes are no request), and nothing else.
    const text = JSON.stringify(tokenSet(scope, 'third'));
    const long = rawPost('/v1/commands', env.tokens.admin, `${text}{"more":1}`, {
      'content-length': String(Buffer.byteLength(text)),
      connection: 'close',
    });
    const closed = await exchange([long]);
    expect(closed.responses.map((r) => [r.status, json(r).status])).toEqual([[200, 'committed']]);
    expect(closed.rest).toBe('');
    expect((await readCanvas(scope)).revision).toBe(before.revision + 3);
  });

  it('[CONTRACT 3] a malformed request on a kept-alive connection still gets its JSON 400 after the earlier answer', async () => {
    const got = await exchange([
      'GET /healthz HTTP/1.1\r\nhost: gateway\r\n\r\n',
      { pauseMs: 300 },
      'GET /healthz HTTP/1.1\r\nhost: gateway\r\nbad header: 1\r\n\r\n',
    ]);
    expect(got.responses.map((r) => r.status)).toEqual([200, 400]);
    expect(expectError(got.responses[1], 400, 'validation_failed')).toMatch(/header is malformed/);
    expect(got.closedByServer).toBe(true);
  });

  it('[CONTRACT 3] HTTP/1.1 without Host and CONNECT are 400 JSON; HTTP/1.0 without Host is served', async () => {
    const noHost = await exchange(['GET /healthz HTTP/1.1\r\n\r\n']);
    expect(expectError(noHost.responses[0], 400, 'validation_failed')).toMatch(/Host header/);
    expect(noHost.closedByServer).toBe(true);
    const noHostPost = await exchange([rawPost('/v1/commands', env.tokens.admin, '{}', { host: '' })]);
    expect(expectError(noHostPost.responses[0], 400, 'validation_failed')).toMatch(/Host header/);
    const proxy = await exchange(['CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n']);
    expect(expectError(proxy.responses[0], 400, 'validation_failed')).toMatch(/CONNECT is not served/);
    expect(proxy.closedByServer).toBe(true);
    const old = await exchange(['GET /healthz HTTP/1.0\r\n\r\n']);
    expect(old.responses.map((r) => [r.status, json(r)])).toEqual([[200, { status: 'ok' }]]);
  });

  it('[CONTRACT 3] slow headers, a trickling body and a body shorter than its Content-Length are cut with a JSON 400; nothing is applied', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'slow', 'c1');
    const before = await readCanvas(scope);
    const slowHeaders = [
      'GET /healthz HTTP/1.1\r\n',
      ...Array.from({ length: 40 }, (_, i) => [{ pauseMs: 250 }, `x-slow-${i}: 1\r\n`]).flat(),
    ];
    const text = JSON.stringify(tokenSet(scope, 'trickled'));
    const head = rawPost('/v1/commands', env.tokens.admin, '');
    const withLength = Buffer.from(
      head.toString('latin1').replace('content-length: 0', `content-length: ${Buffer.byteLength(text)}`),
      'latin1',
    );
    const trickle = [withLength, ...[...text].flatMap((c) => [{ pauseMs: 250 }, c])];
    const short = [withLength, text.slice(0, -2)];
    const started = Date.now();
    const pending = Promise.all([exchange(slowHeaders, 10_000), exchange(trickle, 10_000), exchange(short, 10_000)]);
    // Meanwhile everyone else is served.
    const meanwhile = await api(env.gateway.url, 'GET', '/healthz');
    expect(meanwhile.status).toBe(200);
    const answers = await pending;
    for (const got of answers) {
      expect(expectError(got.responses[0], 400, 'validation_failed')).toMatch(/not received in time/);
      expect(got.closedByServer).toBe(true);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS);
    const after = await readCanvas(scope);
    expect({ revision: after.revision, title: after.tokens['plan.title'] }).toEqual({
      revision: before.revision,
      title: before.tokens['plan.title'],
    });
  });

  it('[CONTRACT 3] a body that is not UTF-8 is 400 on every path, nothing applied; a lone surrogate escape is kept exactly', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'utf8', 'c1');
    const before = await readCanvas(scope);
    const text = JSON.stringify(tokenSet(scope, 'ok-@@'));
    const at = Buffer.byteLength(text.slice(0, text.indexOf('@@')));
    const bad = Buffer.from(text);
    bad[at] = 0xff; // not UTF-8
    bad[at + 1] = 0xc3; // a lead byte without its continuation
    const variants: Array<Record<string, string>> = [
      {},
      { 'content-type': 'application/merge-patch+json' },
      { 'content-type': 'application/json; charset=utf-8; x=1' },
    ];
    for (const headers of variants) {
      const got = await exchange([rawPost('/v1/commands', env.tokens.admin, bad, { ...headers, connection: 'close' })]);
      expect(expectError(got.responses[0], 400, 'validation_failed')).toMatch(/not valid UTF-8/);
    }
    const gz = gzipSync(bad);
    const zipped = await exchange([
      rawPost('/v1/commands', env.tokens.admin, gz, { 'content-encoding': 'gzip', connection: 'close' }),
    ]);
    expect(expectError(zipped.responses[0], 400, 'validation_failed')).toMatch(/not valid UTF-8/);
    const put = rawPost('/v1/projects/utf8/lens', env.tokens.admin, bad, { connection: 'close' });
    const lens = await exchange([Buffer.concat([Buffer.from('PUT'), put.subarray('POST'.length)])]);
    expect(expectError(lens.responses[0], 400, 'validation_failed')).toMatch(/not valid UTF-8/);
    expect((await readCanvas(scope)).revision).toBe(before.revision);

    // An escaped lone surrogate is valid JSON and valid UTF-8: stored, read and streamed as sent.
    const stream = new SseClient(env.world.streamUrl(scope), { token: env.tokens.admin });
    try {
      await stream.waitFor((f) => f.event === 'CANVAS_READY');
      const escaped = JSON.stringify(tokenSet(scope, 'x', ulid(), 'plan.note')).replace('"x"', '"a\\ud800b\\udc00c"');
      const sent = await exchange([rawPost('/v1/commands', env.tokens.admin, escaped, { connection: 'close' })]);
      expect(json(sent.responses[0]).status).toBe('committed');
      const patch = await stream.waitFor((f) => f.event === 'token_patch');
      expect(patch.json.payload.value).toBe('a\ud800b\udc00c');
      expect((await readCanvas(scope)).tokens['plan.note']).toBe('a\ud800b\udc00c');
    } finally {
      stream.close();
    }
  });

  it('[CONTRACT 3] gzip, deflate and br bodies are read; a decompression bomb is 413, unknown or corrupt encodings 400, nothing applied', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'enc', 'c1');
    const before = await readCanvas(scope);
    const encoders = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync } as const;
    for (const [name, encode] of Object.entries(encoders)) {
      const body = encode(Buffer.from(JSON.stringify(tokenSet(scope, `via-${name}`))));
      const got = await exchange([
        rawPost('/v1/commands', env.tokens.admin, body, { 'content-encoding': name, connection: 'close' }),
      ]);
      expect([got.responses[0]?.status, json(got.responses[0]).status]).toEqual([200, 'committed']);
    }
    const mid = await readCanvas(scope);
    expect({ revision: mid.revision, title: mid.tokens['plan.title'] }).toEqual({
      revision: before.revision + 3,
      title: 'via-br',
    });
    // 64 MiB of spaces around a command, ~65 KB on the wire.
    const pad = Buffer.alloc(64 * 1024 * 1024, 0x20);
    const bomb = gzipSync(Buffer.concat([Buffer.from(JSON.stringify(tokenSet(scope, 'bomb'))), pad]));
    const exploded = await exchange([
      rawPost('/v1/commands', env.tokens.admin, bomb, { 'content-encoding': 'gzip', connection: 'close' }),
    ]);
    expect(expectError(exploded.responses[0], 413, 'payload_too_large')).toMatch(/over the limit of 1 MiB/);
    const plain = Buffer.from(JSON.stringify(tokenSet(scope, 'zstd')));
    const unknown = await exchange([
      rawPost('/v1/commands', env.tokens.admin, plain, { 'content-encoding': 'zstd', connection: 'close' }),
    ]);
    expect(expectError(unknown.responses[0], 400, 'validation_failed')).toMatch(/unsupported content encoding "zstd"/);
    const corrupt = await exchange([
      rawPost('/v1/commands', env.tokens.admin, plain, { 'content-encoding': 'gzip', connection: 'close' }),
    ]);
    expectError(corrupt.responses[0], 400, 'validation_failed');
    const latin1 = await exchange([
      rawPost('/v1/commands', env.tokens.admin, plain, {
        'content-type': 'application/json; charset=latin1',
        connection: 'close',
      }),
    ]);
    expect(expectError(latin1.responses[0], 400, 'validation_failed')).toMatch(/unsupported charset/);
    expect((await readCanvas(scope)).revision).toBe(mid.revision);
  });

  it('[CONTRACT 2] two Authorization headers are 401 everywhere; a lowercase scheme and extra spaces are fine; alg none, oversized and foreign tokens are refused', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'auth', 'c1');
    const before = await readCanvas(scope);
    const { canvas_id, ...rest } = scope;
    const query = new URLSearchParams(rest).toString();
    const get = (path: string, auth: string) =>
      `GET ${path} HTTP/1.1\r\nhost: gateway\r\n${auth}connection: close\r\n\r\n`;
    for (const second of [env.tokens.admin, env.tokens.intruder]) {
      const twice = `authorization: Bearer ${env.tokens.admin}\r\nauthorization: Bearer ${second}\r\n`;
      const command = await exchange([
        rawPost('/v1/commands', env.tokens.admin, JSON.stringify(tokenSet(scope, 'twice')), { connection: 'close' }, [
          `authorization: Bearer ${second}`,
        ]),
      ]);
      expect(expectError(command.responses[0], 401, 'unauthenticated')).toMatch(/more than one Authorization header/);
      for (const path of [`/v1/canvases/${canvas_id}?${query}`, `/v1/canvases/${canvas_id}/events?${query}`]) {
        const got = await exchange([get(path, twice)]);
        expect(expectError(got.responses[0], 401, 'unauthenticated')).toMatch(/more than one Authorization header/);
      }
    }
    for (const header of [
      `authorization: bearer ${env.tokens.admin}\r\n`,
      `authorization:   Bearer   ${env.tokens.admin}  \r\n`,
    ]) {
      const ok = await exchange([get(`/v1/canvases/${canvas_id}?${query}`, header)]);
      expect(ok.responses[0]?.status).toBe(200);
    }
    const [, payload] = env.tokens.admin.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    const hs512 = `${Buffer.from('{"alg":"HS512","typ":"JWT"}').toString('base64url')}.${payload}.AAAA`;
    for (const token of [none, hs512, 'a'.repeat(10_000), 'not.a.jwt']) {
      const got = await exchange([get(`/v1/canvases/${canvas_id}?${query}`, `authorization: Bearer ${token}\r\n`)]);
      expectError(got.responses[0], 401, 'unauthenticated');
    }
    const huge = await exchange([
      get(`/v1/canvases/${canvas_id}?${query}`, `authorization: Bearer ${'a'.repeat(100_000)}\r\n`),
    ]);
    expectError(huge.responses[0], 413, 'payload_too_large');
    const foreign = await exchange([
      rawPost('/v1/commands', env.tokens.intruder, JSON.stringify(tokenSet(scope, 'foreign')), { connection: 'close' }),
    ]);
    expectError(foreign.responses[0], 403, 'tenant_mismatch');
    expect((await readCanvas(scope)).revision).toBe(before.revision);
  });

  it('[CONTRACT 4] malformed percent-encoding and repeated parameters are 400 naming what to fix; junk or doubled cursors reset the stream', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'urls', 'c1');
    const { canvas_id, ...rest } = scope;
    const query = new URLSearchParams(rest).toString();
    const get = (path: string, extra = '') =>
      `GET ${path} HTTP/1.1\r\nhost: gateway\r\nauthorization: Bearer ${env.tokens.admin}\r\n${extra}connection: close\r\n\r\n`;
    for (const path of [`/v1/canvases/%E0%A4%A/events?${query}`, `/v1/canvases/%E0%A4%A?${query}`]) {
      const got = await exchange([get(path)]);
      expect(expectError(got.responses[0], 400, 'validation_failed')).toMatch(/decode/);
    }
    for (const path of [
      `/v1/canvases/${canvas_id}/events?${query}&tenant_id=acme`,
      `/v1/canvases/${canvas_id}?${query}&tenant_id=other`,
      `/v1/realtime?${query}&project_id=p2`,
    ]) {
      const got = await exchange([get(path)]);
      expect(expectError(got.responses[0], 400, 'validation_failed')).toMatch(/^scope\.(tenant|project)_id: /);
    }
    const afterTwice = await exchange([get(`/v1/canvases/${canvas_id}/events?${query}&after=a&after=b`)]);
    expect(expectError(afterTwice.responses[0], 400, 'validation_failed')).toMatch(/\?after= must be given once/);

    const { cursor } = await env.world.commit(env.tokens.admin, 'token.set', scope, {
      token_id: 'plan.title',
      value: 'r',
    });
    const url = env.world.streamUrl(scope);
    for (const lastEventId of ['junk', 'z'.repeat(4000), `${cursor}9999`, `${cursor}, ${cursor}`]) {
      const stream = new SseClient(url, { token: env.tokens.admin, lastEventId });
      try {
        const ready = await stream.waitFor((f) => f.event === 'CANVAS_READY');
        expect({
          reset: ready.json.payload.reset,
          snapshot: ready.json.payload.snapshot?.tokens['plan.title'],
        }).toEqual({
          reset: true,
          snapshot: 'r',
        });
      } finally {
        stream.close();
      }
    }
  });

  it('[CONTRACT 5] one command_id: applied once in parallel, a different body gets the original outcome as a duplicate, twice in a batch too; a batch of 500 is whole, 501 refused', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'idem', 'c1');
    const before = await readCanvas(scope);
    const id = ulid();
    const parallel = await Promise.all(
      Array.from({ length: 8 }, () =>
        api(env.gateway.url, 'POST', '/v1/commands', { token: env.tokens.admin, body: tokenSet(scope, 'once', id) }),
      ),
    );
    expect(parallel.map((r) => r.status)).toEqual(Array(8).fill(200));
    const statuses = parallel.map((r) => r.json.status as string).sort();
    expect(statuses).toEqual(['committed', ...Array(7).fill('duplicate')]);
    const outcomes = new Set(parallel.map((r) => `${r.json.cursor}@${r.json.revision}`));
    expect(outcomes.size).toBe(1);
    const original = parallel[0]!.json as { cursor: string; revision: number };
    expect(original.revision).toBe(before.revision + 1);

    // The same id with another body: the contract's answer, the original outcome as a duplicate; never applied.
    const other = await api(env.gateway.url, 'POST', '/v1/commands', {
      token: env.tokens.admin,
      body: tokenSet(scope, 'changed', id),
    });
    expect(other.json).toEqual({ status: 'duplicate', cursor: original.cursor, revision: original.revision });
    const batchId = ulid();
    const batch = await api(env.gateway.url, 'POST', '/v1/commands:batch', {
      token: env.tokens.admin,
      body: { commands: [tokenSet(scope, 'b1', batchId), tokenSet(scope, 'b2', batchId)] },
    });
    expect(batch.json.outcomes.map((o: { status: string }) => o.status)).toEqual(['committed', 'duplicate']);
    expect(batch.json.outcomes[1]).toEqual({ ...batch.json.outcomes[0], status: 'duplicate' });
    const mid = await readCanvas(scope);
    expect({ revision: mid.revision, title: mid.tokens['plan.title'] }).toEqual({
      revision: before.revision + 2,
      title: 'b1',
    });

    const many = (n: number) => Array.from({ length: n }, (_, i) => tokenSet(scope, `n${i}`));
    const full = await api(env.gateway.url, 'POST', '/v1/commands:batch', {
      token: env.tokens.admin,
      body: { commands: many(500) },
      timeoutMs: 30_000,
    });
    expect(full.status).toBe(200);
    expect(full.json.outcomes.filter((o: { status: string }) => o.status === 'committed').length).toBe(500);
    const over = await api(env.gateway.url, 'POST', '/v1/commands:batch', {
      token: env.tokens.admin,
      body: { commands: many(501) },
    });
    expect(over.status).toBe(400);
    expect(over.json.error.message).toMatch(/^commands: must hold 1 to 500 commands/);
    const end = await readCanvas(scope);
    expect({ revision: end.revision, title: end.tokens['plan.title'] }).toEqual({
      revision: mid.revision + 500,
      title: 'n499',
    });
  });

  it('[CONTRACT 4] streams never read are dropped as slow consumers and streams cut mid-way are released; a reading stream gets every write', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'abandon', 'c1');
    const subscribers = async () => {
      const m = /^easel_subscribers\{stream="canvas"\} (\d+)/m.exec(
        (await api(env.gateway.url, 'GET', '/metrics')).text,
      );
      return Number(m?.[1] ?? Number.NaN);
    };
    const slowDrops = async () => {
      const text = (await api(env.gateway.url, 'GET', '/metrics')).text;
      return Number(/^easel_disconnects_total\{reason="slow_consumer"\} (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const baseline = await subscribers();
    const dropsBefore = await slowDrops();
    const { port, hostname } = new URL(env.gateway.url);
    const path = new URL(env.world.streamUrl(scope));
    const request = `GET ${path.pathname}${path.search} HTTP/1.1\r\nhost: gateway\r\nauthorization: Bearer ${env.tokens.admin}\r\n\r\n`;
    const open = (): Socket => {
      const s = connect({ port: Number(port), host: hostname });
      s.on('error', () => undefined);
      s.write(request);
      s.pause(); // never read
      return s;
    };
    const idle = Array.from({ length: 16 }, open);
    const cut = Array.from({ length: 8 }, open);
    const reader = new SseClient(env.world.streamUrl(scope), { token: env.tokens.admin });
    try {
      await reader.waitFor((f) => f.event === 'CANVAS_READY');
      const deadline = Date.now() + 10_000;
      while ((await subscribers()) < baseline + idle.length + cut.length + 1 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const s of cut) s.resetAndDestroy();
      const values: string[] = [];
      for (let batch = 0; batch < 100 && (await slowDrops()) < dropsBefore + idle.length; batch++) {
        const commands = Array.from({ length: 20 }, () => {
          const value = `${values.length}-${'x'.repeat(6000)}`;
          values.push(value);
          return tokenSet(scope, value, ulid(), 'plan.note');
        });
        const res = await api(env.gateway.url, 'POST', '/v1/commands:batch', {
          token: env.tokens.admin,
          body: { commands },
          timeoutMs: 30_000,
        });
        expect(res.status).toBe(200);
      }
      expect(await slowDrops()).toBeGreaterThanOrEqual(dropsBefore + idle.length);
      await reader.until(
        () => reader.frames.filter((f) => f.event === 'token_patch').length >= values.length,
        20_000,
        'every write',
      );
      expect(reader.frames.filter((f) => f.event === 'token_patch').map((f) => f.json.payload.value)).toEqual(values);
      // Only the reader is left.
      const left = Date.now() + 10_000;
      while ((await subscribers()) !== baseline + 1 && Date.now() < left) await new Promise((r) => setTimeout(r, 50));
      expect(await subscribers()).toBe(baseline + 1);
    } finally {
      reader.close();
      for (const s of [...idle, ...cut]) s.destroy();
    }
  });

  it('[CONTRACT 4] a lone surrogate escape survives the spine: read and replayed the same after a restart', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'restart', 'c1');
    const ready = await env.world.commit(env.tokens.admin, 'token.set', scope, {
      token_id: 'plan.title',
      value: 'start',
    });
    const body = JSON.stringify(tokenSet(scope, 'x', ulid(), 'plan.note')).replace(
      '"x"',
      '"\\udfff-\\ud83d\\ude00-\\ud800"',
    );
    const sent = await api(env.gateway.url, 'POST', '/v1/commands', {
      token: env.tokens.admin,
      rawBody: body,
      headers: { 'content-type': 'application/json' },
    });
    expect(sent.json.status).toBe('committed');
    await env.gateway.restart();
    const { canvas_id, ...rest } = scope;
    const read = await api(env.gateway.url, 'GET', `/v1/canvases/${canvas_id}?${new URLSearchParams(rest)}`, {
      token: env.tokens.admin,
    });
    expect(read.json.tokens['plan.note']).toBe('\udfff-😀-\ud800');
    const url = `${env.gateway.url}/v1/canvases/${canvas_id}/events?${new URLSearchParams(rest)}`;
    const replay = new SseClient(url, { token: env.tokens.admin, lastEventId: ready.cursor });
    try {
      const patch = await replay.waitFor((f) => f.event === 'token_patch', 10_000);
      expect(patch.id).toBe(sent.json.cursor);
      expect(patch.json.payload.value).toBe('\udfff-😀-\ud800');
    } finally {
      replay.close();
    }
  });
});

describe('an Upgrade to another protocol than WebSocket (curl --http2 asks for h2c)', () => {
  const h2c = 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n';

  it('[CONTRACT 11] a GET is answered as plain HTTP/1.1 (the Upgrade is ignored), then the connection closes', async () => {
    const { responses } = await exchange([`GET /healthz HTTP/1.1\r\nHost: x\r\n${h2c}\r\n`]);
    expect(responses).toHaveLength(1);
    expect(responses[0]!.status).toBe(200);
    expect(json(responses[0])).toEqual({ status: 'ok' });
  });

  it('[CONTRACT 3] a POST (whose body node did not read) is a 400 saying to send it without Upgrade; nothing applied', async () => {
    const scope = await env.world.newCanvas(env.tokens.admin, 'h2c', 'c1');
    const before = await readCanvas(scope);
    const body = JSON.stringify(tokenSet(scope, 'via-h2c'));
    const { responses } = await exchange([
      `POST /v1/commands HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${env.tokens.admin}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${h2c}\r\n${body}`,
    ]);
    expect(expectError(responses[0], 400, 'validation_failed')).toContain('without Upgrade');
    expect((await readCanvas(scope)).revision).toBe(before.revision);
  });

  it('[CONTRACT 7] a WebSocket upgrade elsewhere than the presence path is still a 404 JSON error', async () => {
    const { responses } = await exchange([
      'GET /v1/nowhere HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    ]);
    expect(expectError(responses[0], 404, 'not_found')).toContain('no WebSocket endpoint');
  });
});

describe('Expect: 100-continue (curl sends it for bodies over 1 KiB)', () => {
  const MiB = 1024 * 1024;
  /** A world on the gateway's current URL (`env.world` keeps the one from before a restart). */
  const world = () => new TestWorld(env.gateway.url, 'acme');

  /** `value` as JSON, padded with trailing spaces (still valid JSON) to `bytes`. */
  const padded = (value: unknown, bytes: number): string => {
    const text = JSON.stringify(value);
    return text + ' '.repeat(Math.max(0, bytes - Buffer.byteLength(text)));
  };

  /** The request line and headers alone of a POST (or `method`) declaring `length` body bytes. */
  const head = (path: string, length: number, headers: Record<string, string> = {}, method = 'POST'): Buffer => {
    const request = rawPost(path, env.tokens.admin, '', {
      expect: '100-continue',
      'content-length': String(length),
      ...headers,
    });
    return method === 'POST' ? request : Buffer.concat([Buffer.from(method), request.subarray(4)]);
  };

  it("[CONTRACT 3] a declared Content-Length over the route's limit is 413 at once, without 100 Continue; nothing applied", async () => {
    const scope = await world().newCanvas(env.tokens.admin, 'expect', 'c1');
    const before = await readCanvas(scope);

    // A client that sends the body anyway (RFC 9110 lets it after a wait): refused, closed, not applied.
    const body = padded(tokenSet(scope, 'too-big'), MiB + 1);
    const single = await exchange([head('/v1/commands', MiB + 1), { pauseMs: 300 }, body], 5000);
    expect(single.responses.map((r) => r.status)).toEqual([413]);
    expect(expectError(single.responses[0], 413, 'payload_too_large')).toContain('1 MiB');
    expect(single.responses[0]?.headers.connection).toBe('close');
    expect(single.closedByServer).toBe(true);

    // The batch limit (8 MiB) and a route served by Express (plugin calls and jobs: 16 MiB), both
    // answered before any body byte was sent.
    const batch = await exchange([head('/v1/commands:batch', 8 * MiB + 1)], 5000);
    expect(batch.responses.map((r) => r.status)).toEqual([413]);
    expect(expectError(batch.responses[0], 413, 'payload_too_large')).toContain('8 MiB');
    expect(batch.closedByServer).toBe(true);
    const job = await exchange([head('/v1/jobs', 16 * MiB + 1)], 5000);
    expect(job.responses.map((r) => r.status)).toEqual([413]);
    expect(expectError(job.responses[0], 413, 'payload_too_large')).toContain('16 MiB');
    const lens = await exchange([head('/v1/projects/p1/lens', MiB + 1, {}, 'PUT')], 5000);
    expect(lens.responses.map((r) => r.status)).toEqual([413]);

    // No token at all on a route that needs one: 401 at once (the route's own message).
    const anonymous = await exchange([head('/v1/commands', 2000, { authorization: '' })], 5000);
    expect(anonymous.responses.map((r) => r.status)).toEqual([401]);
    expect(expectError(anonymous.responses[0], 401, 'unauthenticated')).toMatch(/no bearer token/);
    expect(anonymous.closedByServer).toBe(true);

    expect((await readCanvas(scope)).revision).toBe(before.revision);
  });

  it('[CONTRACT 5] within the limit: 100 Continue, then the command is committed; a batch over 1 MiB but within 8 MiB gets 100 Continue too', async () => {
    const scope = await world().newCanvas(env.tokens.admin, 'expect', 'c2');
    const before = await readCanvas(scope);

    const body = padded(tokenSet(scope, 'continued'), 4096);
    const single = await exchange(
      [head('/v1/commands', Buffer.byteLength(body), { connection: 'close' }), { pauseMs: 300 }, body],
      5000,
    );
    expect(single.responses.map((r) => r.status)).toEqual([100, 200]);
    expect(json(single.responses[1]).status).toBe('committed');

    const batchBody = padded({ commands: [tokenSet(scope, 'batched')] }, 1.5 * MiB);
    const batch = await exchange(
      [head('/v1/commands:batch', Buffer.byteLength(batchBody), { connection: 'close' }), { pauseMs: 300 }, batchBody],
      5000,
    );
    expect(batch.responses.map((r) => r.status)).toEqual([100, 200]);
    expect(json(batch.responses[1]).outcomes.map((o: { status: string }) => o.status)).toEqual(['committed']);

    const after = await readCanvas(scope);
    expect({ revision: after.revision, title: after.tokens['plan.title'] }).toEqual({
      revision: before.revision + 2,
      title: 'batched',
    });
  });
});

describe('the body budget: bodies being received hold at most EASEL_HTTP_BODY_BUDGET_BYTES together', () => {
  const KiB = 1024;
  const BUDGET = 2048 * KiB;
  /** Served on plain node:http (`serveCommand`) and by Express (`jsonBody`): both paths are covered. */
  const PATHS = { plain: 'application/json', express: 'application/vnd.easel+json' } as const;
  let gw: GatewayProcess;
  let token: string;

  beforeAll(async () => {
    gw = await GatewayProcess.start({ env: { EASEL_HTTP_BODY_BUDGET_BYTES: String(BUDGET) } });
    token = await gw.token({ tenant: 'acme' });
  }, 90_000);
  afterAll(async () => {
    await gw?.dispose();
  });

  /** A connection that sent a command's headers (declaring `declared` bytes) and `sent` of them, then waits. */
  async function slowUpload(type: string, declared: number, sent: number): Promise<Socket> {
    const { port, hostname } = new URL(gw.url);
    const socket = connect({ port: Number(port), host: hostname });
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const head = rawPost('/v1/commands', token, '', { 'content-type': type, 'content-length': String(declared) });
    socket.write(Buffer.concat([head, Buffer.alloc(sent, 0x20)]));
    return socket;
  }

  /** A token.set command padded with trailing spaces to `bytes`, sent after its headers and a pause. */
  function paddedCommand(scope: Record<string, string>, value: string, type: string, bytes: number) {
    const text = JSON.stringify(tokenSet(scope, value));
    const body = text + ' '.repeat(bytes - Buffer.byteLength(text));
    const head = rawPost('/v1/commands', token, '', {
      'content-type': type,
      'content-length': String(bytes),
      connection: 'close',
    });
    return rawExchange(gw.url, [head, { pauseMs: 300 }, body, { pauseMs: 100 }], 10_000);
  }

  async function readState(scope: Record<string, string>) {
    const { canvas_id, ...rest } = scope;
    const res = await api(gw.url, 'GET', `/v1/canvases/${canvas_id}?${new URLSearchParams(rest)}`, { token });
    expect(res.status).toBe(200);
    const canvas = res.json as { revision: number; tokens: Record<string, unknown> };
    return { revision: canvas.revision, title: canvas.tokens['plan.title'] };
  }

  it('[CONTRACT 3] a body over the budget is 503 unavailable with Retry-After, nothing applied; aborted uploads give their bytes back (twice over: no leak)', async () => {
    const scope = await new TestWorld(gw.url, 'acme').newCanvas(token, 'budget', 'c1');
    for (const round of [1, 2]) {
      const before = await readState(scope);
      // Two slow uploads, one per path, each declaring 768 KiB and sending half: 1.5 MiB reserved.
      const slow = [
        await slowUpload(PATHS.plain, 768 * KiB, 384 * KiB),
        await slowUpload(PATHS.express, 768 * KiB, 384 * KiB),
      ];
      try {
        expect(await inFlightReaches(gw.url, 1536 * KiB)).toBe(1536 * KiB);
        for (const [name, type] of Object.entries(PATHS)) {
          const refused = await paddedCommand(scope, `refused-${name}-${round}`, type, 700 * KiB);
          expect(
            refused.responses.map((r) => r.status),
            name,
          ).toEqual([503]);
          expect(expectError(refused.responses[0], 503, 'unavailable')).toMatch(/busy receiving other requests.*retry/);
          expect(refused.responses[0]?.headers['retry-after']).toBe('1');
          expect(refused.responses[0]?.headers.connection).toBe('close');
          expect(refused.closedByServer).toBe(true);
        }
        // `Expect: 100-continue`: refused before the body is uploaded (no 100 Continue).
        const head = rawPost('/v1/commands', token, '', {
          'content-length': String(700 * KiB),
          expect: '100-continue',
        });
        const early = await rawExchange(gw.url, [head], 10_000);
        expect(early.responses.map((r) => r.status)).toEqual([503]);
        expect(early.responses[0]?.headers['retry-after']).toBe('1');
        expect(early.closedByServer).toBe(true);
        expect(await inFlightReaches(gw.url, 1536 * KiB)).toBe(1536 * KiB);
        expect(await readState(scope)).toEqual(before);
      } finally {
        for (const s of slow) s.destroy();
      }
      expect(await inFlightReaches(gw.url, 0)).toBe(0);
      for (const [name, type] of Object.entries(PATHS)) {
        const served = await paddedCommand(scope, `served-${name}-${round}`, type, 700 * KiB);
        expect([served.responses[0]?.status, json(served.responses[0]).status], name).toEqual([200, 'committed']);
      }
      expect(await readState(scope)).toEqual({ revision: before.revision + 2, title: `served-express-${round}` });
      expect(await inFlightReaches(gw.url, 0)).toBe(0);
    }
    expect(gw.running).toBe(true);
    expect(gw.output).not.toMatch(/\n\s+at |"level":(50|60)|Unhandled|uncaught|RangeError|TypeError/i);
  });
});

describe('the body idle timeout: a body that stops arriving gives its budget back (EASEL_HTTP_BODY_IDLE_MS)', () => {
  const KiB = 1024;
  const BUDGET = 1024 * KiB;
  const IDLE_MS = 300;
  /** Served on plain node:http (`serveCommand`) and by Express (`jsonBody`): both paths are covered. */
  const PATHS = { plain: 'application/json', express: 'application/vnd.easel+json' } as const;
  let gw: GatewayProcess;
  let token: string;
  let scope: Record<string, string>;

  beforeAll(async () => {
    // The request timeout stays at its default (120 s): only the idle timeout can cut a stalled body here.
    gw = await GatewayProcess.start({
      env: { EASEL_HTTP_BODY_BUDGET_BYTES: String(BUDGET), EASEL_HTTP_BODY_IDLE_MS: String(IDLE_MS) },
    });
    token = await gw.token({ tenant: 'acme' });
    scope = await new TestWorld(gw.url, 'acme').newCanvas(token, 'idle', 'c1');
  }, 90_000);
  afterAll(async () => {
    await gw?.dispose();
  });
  afterEach(() => {
    // Nothing a client did crashed or printed a stack trace or an error log (an over-release would).
    expect(gw.running).toBe(true);
    expect(gw.output).not.toMatch(/\n\s+at |"level":(50|60)|Unhandled|uncaught|RangeError|TypeError/i);
  });

  async function readState() {
    const { canvas_id, ...rest } = scope;
    const res = await api(gw.url, 'GET', `/v1/canvases/${canvas_id}?${new URLSearchParams(rest)}`, { token });
    expect(res.status).toBe(200);
    const canvas = res.json as { revision: number; tokens: Record<string, unknown> };
    return { revision: canvas.revision, title: canvas.tokens['plan.title'] };
  }

  /** A token.set command's headers declaring `declared` bytes (`connection: close`), and its JSON padded with spaces to that size. */
  function command(value: string, type: string, declared: number) {
    const text = JSON.stringify(tokenSet(scope, value));
    const head = rawPost('/v1/commands', token, '', {
      'content-type': type,
      'content-length': String(declared),
      connection: 'close',
    });
    return { head, body: text + ' '.repeat(declared - Buffer.byteLength(text)) };
  }

  it('[CONTRACT 3] a declared body that stops arriving is answered 400 validation_failed and closed, its reservation released, nothing applied', async () => {
    for (const [name, type] of Object.entries(PATHS)) {
      const before = await readState();
      const { head, body } = command(`stalled-${name}`, type, 600 * KiB);
      // The command's JSON and part of its padding, then nothing (the rest of the declared 600 KiB never comes).
      const got = await rawExchange(gw.url, [head, body.slice(0, 64 * KiB)], 10_000);
      expect(
        got.responses.map((r) => r.status),
        name,
      ).toEqual([400]);
      expect(expectError(got.responses[0], 400, 'validation_failed')).toMatch(/stopped arriving.*nothing was applied/);
      expect(got.responses[0]?.headers.connection).toBe('close');
      expect(got.closedByServer).toBe(true);
      expect(await inFlightReaches(gw.url, 0), name).toBe(0);
      expect(await readState(), name).toEqual(before);
    }
  });

  it('[CONTRACT 3] stalled bodies holding the whole budget no longer block an honest command once they went idle', async () => {
    const before = await readState();
    const stalled = Object.values(PATHS).map((type) => {
      const { head, body } = command('stalled', type, 512 * KiB);
      return rawExchange(gw.url, [head, body.slice(0, 16 * KiB)], 10_000);
    });
    // Both stalled reservations (1 MiB: the whole budget) are cut after the idle time, not the request timeout.
    for (const got of await Promise.all(stalled)) {
      expect(got.responses.map((r) => r.status)).toEqual([400]);
      expect(got.closedByServer).toBe(true);
    }
    expect(await inFlightReaches(gw.url, 0)).toBe(0);
    for (const [name, type] of Object.entries(PATHS)) {
      const { head, body } = command(`honest-${name}`, type, 700 * KiB);
      const served = await rawExchange(gw.url, [head, body], 10_000);
      expect([served.responses[0]?.status, json(served.responses[0]).status], name).toEqual([200, 'committed']);
    }
    expect(await readState()).toEqual({ revision: before.revision + 2, title: 'honest-express' });
    expect(await inFlightReaches(gw.url, 0)).toBe(0);
  });

  it('[CONTRACT 5] a slow but steady body (pauses shorter than the idle time, longer than it in all) is served', async () => {
    const before = await readState();
    for (const [name, type] of Object.entries(PATHS)) {
      const { head, body } = command(`steady-${name}`, type, 64 * KiB);
      const parts: RawPart[] = [head];
      const PIECES = 8;
      const size = Math.ceil(body.length / PIECES);
      for (let i = 0; i < PIECES; i++) parts.push({ pauseMs: IDLE_MS / 3 }, body.slice(i * size, (i + 1) * size));
      const served = await rawExchange(gw.url, parts, 10_000);
      expect(served.ms, 'the upload took longer than the idle time').toBeGreaterThan(IDLE_MS * 2);
      expect([served.responses[0]?.status, json(served.responses[0]).status], name).toEqual([200, 'committed']);
    }
    expect(await readState()).toEqual({ revision: before.revision + 2, title: 'steady-express' });
    expect(await inFlightReaches(gw.url, 0)).toBe(0);
  });
});
