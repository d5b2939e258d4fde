import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { bodyTooLargeMessage, NOT_UTF8 } from './jsonBody.ts';
import { jsonShapeProblem } from '../core/json/jsonShapeProblem.ts';

/** Why a body could not be read: answered as the Express error handler answers body-parser's errors. */
export type BodyFailure =
  | { kind: 'too_large'; message: string }
  | { kind: 'invalid_json'; message: string /** The body's text (for the message). */; text: string }
  | { kind: 'bad_request'; message: string }
  /** Valid JSON of a shape no body may have (see `jsonShapeProblem`). */
  | { kind: 'invalid_shape'; path: string; message: string };

export type BodyResult = { ok: true; value: unknown } | { ok: false; failure: BodyFailure };

/** RFC 7159 whitespace, then the first other character (body-parser's `FIRST_NON_WHITESPACE_REGEXP`). */
const FIRST_NON_WHITESPACE = /^[ \t\n\r]*([^ \t\n\r]|$)/;

/**
 * Parses a request body the way `express.json({strict: true})` (body-parser 2) does, with the
 * same error messages: an empty body is `{}`; anything but an object or array at the top is a
 * syntax error naming the first character; other syntax errors are `JSON.parse`'s.
 */
export function parseStrictJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (text.length === 0) return { ok: true, value: {} };
  const c = text.charCodeAt(0);
  if (c !== 123 /* { */ && c !== 91 /* [ */) {
    const match = FIRST_NON_WHITESPACE.exec(text);
    const first = match?.[1] ? match[1] : undefined;
    if (first !== '{' && first !== '[') return { ok: false, message: strictViolationMessage(text, first) };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** body-parser's `createStrictSyntaxError` message: JSON.parse's own message for the offending character. */
function strictViolationMessage(text: string, char: string | undefined): string {
  const index = char === undefined ? -1 : text.indexOf(char);
  const partial = index === -1 ? '' : text.substring(0, index) + '#'.repeat(text.length - index);
  try {
    JSON.parse(partial);
    return 'strict violation';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return message.replace(/#+/g, (placeholder) => text.substring(index, index + placeholder.length));
  }
}

/** The read in progress on a request (listeners are shared functions: no closures per request). */
const READ = Symbol('easel.jsonBodyRead');
type Reading = IncomingMessage & { [READ]?: BodyRead };

class BodyRead {
  private first: Buffer | null = null;
  private chunks: Buffer[] | null = null;
  private received = 0;
  private done = false;

  constructor(
    private readonly req: Reading,
    private readonly limitBytes: number,
    private readonly length: number | null,
    private readonly resolve: (result: BodyResult) => void,
  ) {}

  start(): void {
    const req = this.req;
    req[READ] = this;
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  }

  data(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.received > this.limitBytes) {
      this.first = null;
      this.chunks = null;
      this.fail(tooLarge(this.limitBytes));
      return;
    }
    if (this.first === null) {
      this.first = chunk;
      return;
    }
    this.chunks ??= [this.first];
    this.chunks.push(chunk);
  }

  end(): void {
    if (this.length !== null && this.received !== this.length) {
      this.finish({
        ok: false,
        failure: { kind: 'bad_request', message: 'request size did not match content length' },
      });
      return;
    }
    const bytes = this.chunks !== null ? Buffer.concat(this.chunks, this.received) : (this.first ?? Buffer.alloc(0));
    if (!isUtf8(bytes)) {
      this.finish({ ok: false, failure: { kind: 'bad_request', message: NOT_UTF8 } });
      return;
    }
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const parsed = parseStrictJson(text);
    if (!parsed.ok) {
      this.finish({ ok: false, failure: { kind: 'invalid_json', message: parsed.message, text } });
      return;
    }
    const problem = jsonShapeProblem(parsed.value);
    this.finish(problem === null ? parsed : { ok: false, failure: { kind: 'invalid_shape', ...problem } });
  }

  finish(result: BodyResult): void {
    if (this.done) return;
    this.done = true;
    this.detach();
    this.resolve(result);
  }

  /** Reads the rest off (the connection stays usable), then reports `failure`. */
  private fail(failure: BodyFailure): void {
    if (this.done) return;
    this.done = true;
    this.detach();
    const resolve = this.resolve;
    discard(this.req, () => resolve({ ok: false, failure }));
  }

  private detach(): void {
    const req = this.req;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
    req.off('aborted', onAborted);
    req[READ] = undefined;
  }
}

function onData(this: Reading, chunk: Buffer): void {
  this[READ]?.data(chunk);
}
function onEnd(this: Reading): void {
  this[READ]?.end();
}
function onError(this: Reading, err: Error): void {
  this[READ]?.finish({ ok: false, failure: { kind: 'bad_request', message: err.message } });
}
function onAborted(this: Reading): void {
  this[READ]?.finish({ ok: false, failure: { kind: 'bad_request', message: 'request aborted' } });
}

function tooLarge(limitBytes: number): BodyFailure {
  return { kind: 'too_large', message: bodyTooLargeMessage(limitBytes) };
}

/**
 * Reads a UTF-8 JSON request body of at most `limitBytes` and parses it strictly: what `jsonBody`
 * (body-parser) does for an identity-encoded UTF-8 body, without Express. Like body-parser, a
 * body that cannot be used is read off to its end before the failure is reported (so the
 * connection stays usable), a declared `Content-Length` over the limit fails without buffering,
 * and a leading byte order mark is dropped. Bytes that are not UTF-8 are refused ({@link NOT_UTF8}).
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = req.headers['content-length'];
    const length = declared === undefined ? null : Number(declared);
    if (length !== null && length > limitBytes) {
      discard(req, () => resolve({ ok: false, failure: tooLarge(limitBytes) }));
      return;
    }
    new BodyRead(req, limitBytes, length, resolve).start();
  });
}

/** Reads the rest of `req` off and calls `then` once it ended (or the connection went away). */
function discard(req: IncomingMessage, then: () => void): void {
  if (req.complete || req.destroyed) {
    then();
    return;
  }
  let called = false;
  const once = () => {
    if (called) return;
    called = true;
    req.off('end', once);
    req.off('close', once);
    req.off('error', once);
    then();
  };
  req.on('end', once);
  req.on('close', once);
  req.on('error', once);
  req.resume();
}
