import { ERROR_CODES, type ErrorCode } from '@easel/schemas';
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
      return {
        code: 'validation_failed',
        message: 'the request has both Content-Length and Transfer-Encoding; send only one of them',
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

/**
 * A `clientError` listener for the gateway's HTTP server: when nothing was written on the socket
 * yet, answers the contract §3 JSON error (`connection: close`) and closes; otherwise (or on a
 * reset, a socket already gone) destroys the socket quietly.
 */
export function answerClientError(
  logger: pino.Logger,
  maxHeaderBytes: () => number,
): (err: ParserError, socket: Duplex) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE') {
      socket.destroy();
      return;
    }
    const bytesWritten = (socket as Duplex & { bytesWritten?: number }).bytesWritten ?? 0;
    if (!socket.writable || bytesWritten > 0) {
      socket.destroy();
      return;
    }
    const answer = clientErrorAnswer(err.code, maxHeaderBytes());
    const requestId = ulid();
    const status = ERROR_CODES[answer.code].status;
    const text = JSON.stringify({ error: errorBody(answer.code, answer.message, undefined, requestId) });
    logger.debug({ code: err.code, request_id: requestId }, 'rejected a malformed request');
    const head =
      `HTTP/1.1 ${status} ${status === 413 ? 'Content Too Large' : 'Bad Request'}\r\n` +
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(text)}\r\n` +
      `x-request-id: ${requestId}\r\n` +
      'connection: close\r\n\r\n';
    socket.on('error', () => socket.destroy());
    socket.end(head + text);
    // A client that never reads must not keep the socket: end() flushes, destroy() frees.
    const timer = setTimeout(() => socket.destroy(), 5000);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}
