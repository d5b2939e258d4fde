import { ERROR_CODES, type ErrorCode } from '@easel/schemas';
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type pino from 'pino';
import { fastUlid as ulid } from '../core/ids/fastUlid.ts';
import { errorBody } from './sendError.ts';

/** What {@link clientErrorAnswer} decided for one parser error. */
export interface ClientErrorAnswer {
  readonly code: ErrorCode;
  readonly message: string;
}

/** Node's HTTP parser error (`clientError`): `code` is `HPE_*`, `ERR_HTTP_REQUEST_TIMEOUT`, `ECONNRESET`, … */
type ParserError = Error & { code?: string };

/**
 * The contract §3 answer to a request node's HTTP parser rejected before any route saw it. Only
 * the registry's code/status pairs are used: headers over the limit are `payload_too_large` (413,
 * "a field is over its size limit"; 431 is no contract status), everything else is
 * `validation_failed` (400).
 */
export function clientErrorAnswer(code: string | undefined, maxHeaderBytes: number): ClientErrorAnswer {
  const kb = Math.round(maxHeaderBytes / 1024);
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        code: 'payload_too_large',
        message: `request headers (request line included) are larger than ${kb} KB; send a shorter URL or fewer/smaller headers`,
      };
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      // llhttp's code for a repeated Content-Length too
      return {
        code: 'validation_failed',
        message:
          'the request has Content-Length twice, or Content-Length and Transfer-Encoding; send one Content-Length, or Transfer-Encoding: chunked, not both',
      };
    case 'HPE_PAUSED_H2_UPGRADE':
      return { code: 'validation_failed', message: 'HTTP/2 is not served here; send HTTP/1.1 requests' };
    case 'HPE_CR_EXPECTED':
    case 'HPE_LF_EXPECTED':
      return {
        code: 'validation_failed',
        message: 'a request line or header does not end with CRLF, or holds a bare CR; end every line with \\r\\n',
      };
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return {
        code: 'validation_failed',
        message:
          'Transfer-Encoding is not valid or comes with a Content-Length; send either Content-Length or Transfer-Encoding: chunked, not both',
      };
    case 'HPE_INVALID_CONTENT_LENGTH':
      return {
        code: 'validation_failed',
        message: 'Content-Length is not valid; send one non-negative integer, once',
      };
    case 'HPE_INVALID_HEADER_TOKEN':
      return {
        code: 'validation_failed',
        message:
          'a request header is malformed (a name with characters a token does not allow, or a line without ":"); fix the header',
      };
    case 'HPE_INVALID_METHOD':
      return { code: 'validation_failed', message: 'the request line has an unknown HTTP method; use GET, POST, PUT…' };
    case 'CONNECT':
      return {
        code: 'validation_failed',
        message: 'CONNECT is not served (this is no proxy); send GET, POST, PUT… with a path',
      };
    case 'HPE_INVALID_URL':
      return {
        code: 'validation_failed',
        message: 'the request target is not a valid URL path; percent-encode spaces and control characters',
      };
    case 'HPE_INVALID_VERSION':
    case 'HPE_INVALID_CONSTANT':
      return {
        code: 'validation_failed',
        message: 'the request line is not valid HTTP/1.1; send "<METHOD> <path> HTTP/1.1" followed by CRLF',
      };
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
    case 'HPE_INVALID_EOF_STATE':
      return { code: 'validation_failed', message: 'the chunked request body is malformed; fix its chunk framing' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return {
        code: 'validation_failed',
        message: 'the request was not received in time; send the request line, headers and body without pausing',
      };
    default:
      return {
        code: 'validation_failed',
        message: `the request is not valid HTTP/1.1 (${code ?? 'parse error'}); check the request line, headers and framing`,
      };
  }
}

/** The answer given (or waiting) on a socket: node reports every later chunk as the same parse error. */
const ANSWERED = Symbol('easel.clientErrorAnswered');

/** A socket as node's HTTP server keeps it: `_httpMessage` is the response being written on it. */
type ServerSocket = Duplex & {
  _httpMessage?: ServerResponse | null;
  [ANSWERED]?: true;
};

/**
 * A `clientError` listener for the gateway's HTTP server: answers the contract §3 JSON error
 * (`connection: close`) and closes; on a reset, or a socket already gone, destroys it quietly.
 *
 * A parse error can follow requests that were read whole and are still being answered (a
 * pipelined command, then garbage; a body longer than its `Content-Length`): those are answered
 * first, in order, and the error after them — cutting them off would hide that a command was
 * applied behind a 400. When the error is inside the body of the request being answered (bad
 * chunk framing, a body that stopped arriving), that request cannot complete: the error is
 * answered at once if nothing of its response was written yet, else the socket is destroyed.
 */
export function answerClientError(
  logger: pino.Logger,
  maxHeaderBytes: () => number,
): (err: ParserError, socket: Duplex) => void {
  return (err, duplex) => {
    const socket = duplex as ServerSocket;
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE') {
      socket.destroy();
      return;
    }
    if (socket[ANSWERED]) return;
    socket[ANSWERED] = true;
    socket.on('error', () => socket.destroy());
    answerWhenIdle(socket, () => {
      if (!socket.writable) {
        // Closing already (the last response said `connection: close`): let it flush, then go.
        closeSoon(socket);
        return;
      }
      if (socket._httpMessage?.headersSent) {
        // The response in flight began: nothing else can be written without corrupting it.
        socket.destroy();
        return;
      }
      writeAnswer(socket, clientErrorAnswer(err.code, maxHeaderBytes()), err.code, logger);
    });
  };
}

/**
 * Calls `then` once no response of a request read whole is still being written on `socket`
 * (at once if none is, or the one in flight still waits for its body).
 */
function answerWhenIdle(socket: ServerSocket, then: () => void): void {
  const res = socket._httpMessage;
  if (res == null || res.req === undefined || !res.req.complete || socket.destroyed) {
    then();
    return;
  }
  if (res.writableFinished || res.destroyed) {
    // Done, but not detached yet: node attaches the next pipelined response on its `finish`.
    setImmediate(() => (socket._httpMessage === res ? then() : answerWhenIdle(socket, then)));
    return;
  }
  let called = false;
  const next = () => {
    if (called) return;
    called = true;
    res.off('finish', next);
    res.off('close', next);
    // node's own `finish` listener (registered first) detached it and attached the next response.
    answerWhenIdle(socket, then);
  };
  res.on('finish', next);
  res.on('close', next);
}

function writeAnswer(socket: ServerSocket, answer: ClientErrorAnswer, code: string | undefined, logger: pino.Logger) {
  const requestId = ulid();
  const status = ERROR_CODES[answer.code].status;
  const text = JSON.stringify({ error: errorBody(answer.code, answer.message, undefined, requestId) });
  logger.debug({ code, request_id: requestId }, 'rejected a malformed request');
  const head =
    `HTTP/1.1 ${status} ${status === 413 ? 'Content Too Large' : 'Bad Request'}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(text)}\r\n` +
    `x-request-id: ${requestId}\r\n` +
    'connection: close\r\n\r\n';
  socket.end(head + text);
  closeSoon(socket);
}

/** A client that never reads must not keep the socket: end() flushes, destroy() frees. */
function closeSoon(socket: ServerSocket): void {
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), 5000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
