import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';

const env = gatewayPerFile({});
const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `raw` on a fresh TCP connection and reads until the server closes it (bounded). */
function rawRequest(url: string, raw: string): Promise<RawAnswer> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ port: Number(port), host: hostname });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 10 s; got: ${Buffer.concat(chunks).toString('latin1').slice(0, 300)}`));
    }, 10_000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {
      // A reset after the answer still leaves the answer to parse.
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const at = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, at < 0 ? text.length : at).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: at < 0 ? '' : text.slice(at + 4) });
    });
    socket.write(raw);
  });
}

/** Asserts a contract §3 JSON error on a closed connection and returns its message. */
function expectJsonError(answer: RawAnswer, status: number, code: string): string {
  expect({ status: answer.status, contentType: answer.headers['content-type'] }).toEqual({
    status,
    contentType: 'application/json; charset=utf-8',
  });
  expect(answer.headers.connection).toBe('close');
  const body = JSON.parse(answer.body) as { error: { code: string; message: string; request_id: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.request_id).toMatch(ULID_RE);
  expect(answer.headers['x-request-id']).toBe(body.error.request_id);
  return body.error.message;
}

describe('requests the HTTP parser rejects get a contract §3 body', () => {
  it('[CONTRACT 3] a URL or a header over 16 KB is 413 payload_too_large saying what to shorten', async () => {
    const longUrl = await rawRequest(
      env.gateway.url,
      `GET /healthz?pad=${'a'.repeat(20_000)} HTTP/1.1\r\nhost: x\r\n\r\n`,
    );
    expect(expectJsonError(longUrl, 413, 'payload_too_large')).toBe(
      'request headers (request line included) are larger than 16 KB; send a shorter URL or fewer/smaller headers',
    );
    const bigHeader = await rawRequest(
      env.gateway.url,
      `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'b'.repeat(20_000)}\r\n\r\n`,
    );
    expect(expectJsonError(bigHeader, 413, 'payload_too_large')).toMatch(/larger than 16 KB/);
  });

  it('[CONTRACT 3] bad framing, a malformed header and a garbage request line are 400 validation_failed', async () => {
    const both = await rawRequest(
      env.gateway.url,
      'POST /v1/commands HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
    );
    expect(expectJsonError(both, 400, 'validation_failed')).toMatch(/Content-Length .*Transfer-Encoding.*not both/);
    const badHeader = await rawRequest(env.gateway.url, 'GET /healthz HTTP/1.1\r\nhost: x\r\nbad header: 1\r\n\r\n');
    expect(expectJsonError(badHeader, 400, 'validation_failed')).toMatch(/header is malformed/);
    const garbage = await rawRequest(env.gateway.url, 'HELLO THERE\r\n\r\n');
    expect(expectJsonError(garbage, 400, 'validation_failed')).toMatch(/request line/);
  });

  it('[CONTRACT 3] a client that resets mid-request is dropped quietly; the gateway keeps serving', async () => {
    const { port, hostname } = new URL(env.gateway.url);
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect({ port: Number(port), host: hostname }, () => {
          socket.write('POST /v1/commands HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{"a"');
          socket.resetAndDestroy();
          resolve();
        });
        socket.on('error', () => resolve());
      });
    }
    const res = await fetch(`${env.gateway.url}/healthz`);
    expect(res.status).toBe(200);
    expect(env.gateway.running).toBe(true);
  });
});
