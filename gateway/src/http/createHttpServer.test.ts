import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawExchange } from '../../test/harness/rawHttp.ts';
import { createHttpServer, HTTP_SERVER_DEFAULTS, httpServerTuning, httpSettingsProblem } from './createHttpServer.ts';
import { sendRawError } from './sendError.ts';

let server: Server;
let url: string;
/** Requests the listener saw (method and path). */
const seen: string[] = [];

beforeAll(async () => {
  // Answers like a command: after a moment, so a pipelined error arrives while it is in flight.
  const listener = createHttpServer(
    (req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.headers.host === undefined && req.httpVersionMinor === 1) {
        res.shouldKeepAlive = false;
        sendRawError(res, '01ARZ3NDEKTSV4RRFFQ69G5FAV', 'validation_failed', 'needs a Host header');
        return;
      }
      req.resume();
      req.on('end', () => setTimeout(() => res.end(`done ${req.url}`), 30));
    },
    pino({ level: 'silent' }),
    { headersTimeoutMs: 400, requestTimeoutMs: 600, checkIntervalMs: 50 },
  );
  server = listener;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const errorOf = (body: string | undefined) =>
  (JSON.parse(body ?? 'null') as { error: { code: string; message: string } }).error;

describe('createHttpServer', () => {
  it('[CONTRACT 3] requests read whole before a parse error are answered first, in order, then the JSON 400', async () => {
    const got = await rawExchange(url, [
      'POST /a HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}GET /b HTTP/1.1\r\nhost: x\r\n\r\nNOT HTTP\r\n\r\n',
    ]);
    expect(got.responses.map((r) => [r.status, r.body.startsWith('{') ? errorOf(r.body).code : r.body])).toEqual([
      [200, 'done /a'],
      [200, 'done /b'],
      [400, 'validation_failed'],
    ]);
    expect(got.closedByServer).toBe(true);
  });

  it('[CONTRACT 3] after an answered request, a malformed one on the same connection still gets its JSON 400', async () => {
    const got = await rawExchange(url, [
      'GET /first HTTP/1.1\r\nhost: x\r\n\r\n',
      { pauseMs: 150 },
      'GET /second HTTP/1.1\r\nhost: x\r\nbad header: 1\r\n\r\n',
    ]);
    expect(got.responses.map((r) => r.status)).toEqual([200, 400]);
    expect(errorOf(got.responses[1]?.body).message).toMatch(/header is malformed/);
  });

  it('[CONTRACT 3] extra bytes after a `connection: close` request are ignored: its answer, then the close', async () => {
    const got = await rawExchange(url, [
      'POST /c HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}{"more":1}',
    ]);
    expect(got.responses.map((r) => [r.status, r.body])).toEqual([[200, 'done /c']]);
    expect(got.rest).toBe('');
  });

  it('[CONTRACT 3] a Host-less HTTP/1.1 request reaches the listener; CONNECT is a JSON 400', async () => {
    const noHost = await rawExchange(url, ['GET /nohost HTTP/1.1\r\n\r\n']);
    expect(errorOf(noHost.responses[0]?.body).message).toBe('needs a Host header');
    expect(seen).toContain('GET /nohost');
    const connect = await rawExchange(url, ['CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n']);
    expect(connect.responses[0]?.status).toBe(400);
    expect(errorOf(connect.responses[0]?.body).message).toMatch(/^CONNECT is not served/);
    expect(connect.closedByServer).toBe(true);
  });

  it('[CONTRACT 3] slow headers and a body that stops arriving are cut with a JSON 400', async () => {
    const [headers, body] = await Promise.all([
      rawExchange(url, ['GET /slow HTTP/1.1\r\n', { pauseMs: 3000 }, 'host: x\r\n\r\n'], 5000),
      rawExchange(url, ['POST /slow HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\n{"a"'], 5000),
    ]);
    for (const got of [headers, body]) {
      expect(got.responses[0]?.status).toBe(400);
      expect(errorOf(got.responses[0]?.body).message).toMatch(/not received in time/);
      expect(got.closedByServer).toBe(true);
    }
    expect(seen).not.toContain('GET /slow');
  });
});

describe('httpServerTuning', () => {
  it('reads positive integers from the environment and keeps the defaults otherwise', () => {
    expect(httpServerTuning({})).toEqual(HTTP_SERVER_DEFAULTS);
    expect(
      httpServerTuning({
        EASEL_HTTP_HEADERS_TIMEOUT_MS: '1500',
        EASEL_HTTP_REQUEST_TIMEOUT_MS: '2500',
        EASEL_HTTP_TIMEOUT_CHECK_MS: '100',
      }),
    ).toEqual({ headersTimeoutMs: 1500, requestTimeoutMs: 2500, checkIntervalMs: 100 });
    expect(
      httpServerTuning({
        EASEL_HTTP_HEADERS_TIMEOUT_MS: '-1',
        EASEL_HTTP_REQUEST_TIMEOUT_MS: 'soon',
        EASEL_HTTP_TIMEOUT_CHECK_MS: '1.5',
      }),
    ).toEqual(HTTP_SERVER_DEFAULTS);
    // node refuses a request timeout below the headers timeout
    expect(httpServerTuning({ EASEL_HTTP_HEADERS_TIMEOUT_MS: '9000', EASEL_HTTP_REQUEST_TIMEOUT_MS: '10' })).toEqual({
      ...HTTP_SERVER_DEFAULTS,
      headersTimeoutMs: 9000,
      requestTimeoutMs: 9000,
    });
  });
});

describe('httpSettingsProblem', () => {
  it('[CONTRACT 12] names the first EASEL_HTTP_* setting that is not a positive integer; null when all are valid or unset', () => {
    expect(httpSettingsProblem({})).toBeNull();
    expect(
      httpSettingsProblem({
        EASEL_HTTP_HEADERS_TIMEOUT_MS: '1500',
        EASEL_HTTP_REQUEST_TIMEOUT_MS: ' 2500 ',
        EASEL_HTTP_TIMEOUT_CHECK_MS: '',
        EASEL_HTTP_BODY_BUDGET_BYTES: '1048576',
        EASEL_HTTP_BODY_IDLE_MS: '300',
      }),
    ).toBeNull();
    for (const [name, bad] of [
      ['EASEL_HTTP_HEADERS_TIMEOUT_MS', '-1'],
      ['EASEL_HTTP_REQUEST_TIMEOUT_MS', 'soon'],
      ['EASEL_HTTP_TIMEOUT_CHECK_MS', '1.5'],
      ['EASEL_HTTP_BODY_BUDGET_BYTES', '256MiB'],
      ['EASEL_HTTP_BODY_BUDGET_BYTES', '0'],
      ['EASEL_HTTP_BODY_IDLE_MS', '1e4'],
    ] as const) {
      const problem = httpSettingsProblem({ [name]: bad });
      expect(problem, `${name}=${bad}`).toContain(`${name} must be a positive integer of `);
      expect(problem).toContain(JSON.stringify(bad));
    }
  });
});
