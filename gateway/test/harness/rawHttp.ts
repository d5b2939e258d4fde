import { connect, type Socket } from 'node:net';

/** One HTTP response read off a raw connection. */
export interface RawResponse {
  status: number;
  /** Header names in lower case (a repeated header keeps the last value). */
  headers: Record<string, string>;
  body: string;
}

/** What {@link rawExchange} saw on one connection. */
export interface RawExchange {
  /** Every complete response, in order. */
  responses: RawResponse[];
  /** Bytes after the last complete response (a cut-off one). */
  rest: string;
  /** The server closed the connection (else the wait ran out and the client closed it). */
  closedByServer: boolean;
  /** ms from connect to close (or to the end of the wait). */
  ms: number;
}

/** A part of a request written by {@link rawExchange}: bytes, or a pause in ms. */
export type RawPart = string | Buffer | { pauseMs: number };

/**
 * Opens a TCP connection to `url`'s host and port, writes `parts` in order (pausing where
 * asked; stops writing once the server closed), and reads until the server closes the
 * connection or `waitMs` passed (then closes it). Never rejects: a reset still returns what
 * arrived before it.
 */
export function rawExchange(url: string, parts: readonly RawPart[], waitMs = 10_000): Promise<RawExchange> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket: Socket = connect({ port: Number(port), host: hostname });
    const chunks: Buffer[] = [];
    let closedByServer = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponses(Buffer.concat(chunks)), closedByServer, ms: Date.now() - started });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {
      // a reset after (or instead of) the answer: what arrived is parsed on close
    });
    socket.on('close', () => {
      closedByServer = !done;
      finish();
    });
    void (async () => {
      for (const part of parts) {
        if (done || socket.destroyed || !socket.writable) return;
        if (typeof part === 'object' && !Buffer.isBuffer(part)) {
          await new Promise((r) => setTimeout(r, part.pauseMs));
        } else {
          socket.write(part);
        }
      }
    })();
  });
}

/** Splits `bytes` into complete HTTP/1.1 responses (`Content-Length` or chunked bodies). */
export function parseResponses(bytes: Buffer): { responses: RawResponse[]; rest: string } {
  const responses: RawResponse[] = [];
  let at = 0;
  for (;;) {
    const headEnd = bytes.indexOf('\r\n\r\n', at);
    if (headEnd === -1) break;
    const [statusLine = '', ...lines] = bytes.subarray(at, headEnd).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let bodyStart = headEnd + 4;
    let body: Buffer;
    if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      let complete = false;
      for (;;) {
        const lineEnd = bytes.indexOf('\r\n', bodyStart);
        if (lineEnd === -1) break;
        const size = Number.parseInt(bytes.subarray(bodyStart, lineEnd).toString('latin1'), 16);
        if (!Number.isFinite(size) || lineEnd + 2 + size + 2 > bytes.length) break;
        parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
        bodyStart = lineEnd + 2 + size + 2;
        if (size === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) break;
      body = Buffer.concat(parts);
      at = bodyStart;
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (bodyStart + length > bytes.length) break;
      body = bytes.subarray(bodyStart, bodyStart + length);
      at = bodyStart + length;
    }
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8') });
  }
  return { responses, rest: bytes.subarray(at).toString('utf8') };
}

/**
 * `POST <path>` with a JSON body as raw bytes (`Content-Length` from the body unless overridden;
 * a header given as `''` is left out; `extraLines` are more header lines, e.g. a repeated one).
 */
export function rawPost(
  path: string,
  token: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
  extraLines: readonly string[] = [],
): Buffer {
  const all: Record<string, string> = {
    host: 'gateway',
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  };
  const head = Object.entries(all)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .concat(extraLines.map((line) => `${line}\r\n`))
    .join('');
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\n${head}\r\n`, 'latin1'), Buffer.from(body)]);
}
