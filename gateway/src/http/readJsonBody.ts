import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { BodyBudget } from './BodyBudget.ts';
import { type BodyIdleTarget, BodyIdleWatch, bodyIdleMessage } from './BodyIdleWatch.ts';
import { bodyTooLargeMessage, NOT_UTF8 } from './jsonBody.ts';
import { jsonShapeProblem } from '../core/json/jsonShapeProblem.ts';

/** Why a body could not be read: answered as the Express error handler answers body-parser's errors. */
export type BodyFailure =
  | { kind: 'too_large'; message: string }
  | { kind: 'invalid_json'; message: string /** The body's text (for the message). */; text: string }
  | { kind: 'bad_request'; message: string }
  /** Valid JSON of a shape no body may have (see `jsonShapeProblem`). */
  | { kind: 'invalid_shape'; path: string; message: string }
  /** The process-wide {@link BodyBudget} is spent: answered 503, the rest of the body is not read. */
  | { kind: 'busy' }
  /** No byte of the body came for the budget's `idleMs`: answered 400 and closed, the rest is not read. */
  | { kind: 'idle'; message: string };

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

class BodyRead implements BodyIdleTarget {
  private first: Buffer | null = null;
  private chunks: Buffer[] | null = null;
  /** Bytes buffered so far. */
  private received = 0;
  private done = false;
  private idle: BodyIdleWatch | null = null;

  constructor(
    private readonly req: Reading,
    private readonly limitBytes: number,
    private readonly budget: BodyBudget,
    private readonly length: number | null,
    /** Bytes reserved in {@link budget} (the declared length; grows with a chunked body): ≥ `received`. */
    private reserved: number,
    private readonly resolve: (result: BodyResult) => void,
  ) {}

  start(): void {
    const req = this.req;
    if (req.destroyed) {
      // The connection went away before the read began ('close' was emitted already).
      this.finish({ ok: false, failure: { kind: 'bad_request', message: 'request aborted' } });
      return;
    }
    req[READ] = this;
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
    req.on('close', onAborted);
    if (!req.complete) this.idle = new BodyIdleWatch(req, this.budget.idleMs, this);
  }

  bodyIdle(): void {
    this.finish({ ok: false, failure: { kind: 'idle', message: bodyIdleMessage(this.budget.idleMs) } });
  }

  data(chunk: Buffer): void {
    const received = this.received + chunk.length;
    if (received > this.limitBytes) {
      this.fail(tooLarge(this.limitBytes));
      return;
    }
    if (received > this.reserved) {
      // A body of unknown length (chunked): reserved as it is buffered.
      if (!this.budget.tryReserve(received - this.reserved, this.reserved)) {
        if (this.settle()) this.resolve(BUSY);
        return;
      }
      this.reserved = received;
    }
    this.received = received;
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
    if (this.settle()) this.resolve(result);
  }

  /** Reads the rest off (the connection stays usable), then reports `failure`. */
  private fail(failure: BodyFailure): void {
    if (!this.settle()) return;
    const resolve = this.resolve;
    discard(this.req, () => resolve({ ok: false, failure }));
  }

  /**
   * Ends the read once: stops listening, drops the buffers and releases their reservation.
   * False when it had ended already.
   */
  private settle(): boolean {
    if (this.done) return false;
    this.done = true;
    this.idle?.stop();
    this.idle = null;
    this.detach();
    this.first = null;
    this.chunks = null;
    this.budget.release(this.reserved);
    return true;
  }

  private detach(): void {
    const req = this.req;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
    req.off('aborted', onAborted);
    req.off('close', onAborted);
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

const BUSY: BodyResult = Object.freeze({ ok: false, failure: Object.freeze({ kind: 'busy' }) });

function tooLarge(limitBytes: number): BodyFailure {
  return { kind: 'too_large', message: bodyTooLargeMessage(limitBytes) };
}

/**
 * Reads a UTF-8 JSON request body of at most `limitBytes` and parses it strictly: what `jsonBody`
 * (body-parser) does for an identity-encoded UTF-8 body, without Express. Like body-parser, a
 * body that cannot be used is read off to its end before the failure is reported (so the
 * connection stays usable), a declared `Content-Length` over the limit fails without buffering,
 * and a leading byte order mark is dropped. Bytes that are not UTF-8 are refused ({@link NOT_UTF8}).
 *
 * What it buffers is reserved in `budget` ({@link BodyBudget.tryReserve}): a declared
 * `Content-Length` up front (before any of it is read), a chunked body as its chunks arrive. When
 * that is refused the read stops with `busy` (the rest is not read: answer and close). The
 * reservation is released exactly once, when the read ends: parsed, failed, aborted, the
 * connection closed, or the body stopped arriving (no byte for `budget.idleMs`: `idle`, the rest
 * is not read: answer and close).
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number, budget: BodyBudget): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = req.headers['content-length'];
    const length = declared === undefined ? null : Number(declared);
    if (length !== null && length > limitBytes) {
      discard(req, () => resolve({ ok: false, failure: tooLarge(limitBytes) }));
      return;
    }
    const reserved = length !== null && length > 0 ? length : 0;
    if (reserved > 0 && !budget.tryReserve(reserved)) {
      resolve(BUSY);
      return;
    }
    new BodyRead(req, limitBytes, budget, length, reserved, resolve).start();
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
