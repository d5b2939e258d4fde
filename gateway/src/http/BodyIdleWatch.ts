import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendRawError } from './sendError.ts';

/** What a {@link BodyIdleWatch} tells when the body it watches stopped arriving. */
export interface BodyIdleTarget {
  /** No byte came for the idle time and the body is not complete: called once. */
  bodyIdle(): void;
}

/** Checks per idle period: a stalled body is cut between `idleMs` and `idleMs × (1 + 1/CHECKS)` after its last byte. */
const CHECKS = 4;

/**
 * Watches a request whose body is being read: when its connection brings no byte for `idleMs`
 * while the body is not complete, it tells its target once (which answers the request, closes
 * the connection and releases what the body holds in the `BodyBudget`).
 *
 * It counts the connection's bytes (`socket.bytesRead`), not the body's chunks, so it watches a
 * body whoever reads it (body-parser included) without touching the stream. It stops by itself
 * once the body is complete or the connection closed; {@link stop} stops it earlier. One timer
 * per watched body, checked every `idleMs / 4`, never keeping the process alive.
 */
export class BodyIdleWatch {
  readonly #req: IncomingMessage;
  readonly #idleMs: number;
  readonly #target: BodyIdleTarget;
  readonly #timer: NodeJS.Timeout;
  #bytesSeen: number;
  #lastByteAt: number;
  #stopped = false;

  constructor(req: IncomingMessage, idleMs: number, target: BodyIdleTarget) {
    this.#req = req;
    this.#idleMs = idleMs;
    this.#target = target;
    this.#bytesSeen = req.socket?.bytesRead ?? 0;
    this.#lastByteAt = performance.now();
    this.#timer = setTimeout(check, Math.max(1, Math.ceil(idleMs / CHECKS)), this);
    this.#timer.unref();
  }

  /** Stops watching (the body ended, or the read gave up). */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** One periodic check. */
  check(): void {
    if (this.#stopped) return;
    const req = this.#req;
    const socket = req.socket;
    if (req.complete || req.destroyed || socket == null || socket.destroyed) {
      this.stop();
      return;
    }
    const now = performance.now();
    const read = socket.bytesRead;
    if (read !== this.#bytesSeen) {
      this.#bytesSeen = read;
      this.#lastByteAt = now;
    } else if (now - this.#lastByteAt >= this.#idleMs) {
      this.stop();
      this.#target.bodyIdle();
      return;
    }
    this.#timer.refresh();
  }
}

function check(watch: BodyIdleWatch): void {
  watch.check();
}

/** The message of the 400 answered to a body that stopped arriving. */
export function bodyIdleMessage(idleMs: number): string {
  return `the request body stopped arriving (no byte for ${idleMs} ms); nothing was applied: send the whole body without pausing`;
}

/**
 * Answers a request whose body stopped arriving (plain `node:http`): 400 `validation_failed` with
 * `message`, `connection: close` (the rest of the body is not read); see {@link closeAfterAnswer}.
 */
export function sendBodyIdle(res: ServerResponse, requestId: string, message: string): void {
  closeAfterAnswer(res);
  sendRawError(res, requestId, 'validation_failed', message);
}

/** How long an answered connection may take to flush before it is cut, ms. */
const CLOSE_GRACE_MS = 5000;

/**
 * Makes the connection of `res` close once it is answered (`connection: close`), and cuts it
 * if it is still open {@link CLOSE_GRACE_MS} later (a client that does not read either).
 */
export function closeAfterAnswer(res: ServerResponse): void {
  if (!res.headersSent) {
    res.shouldKeepAlive = false;
    res.setHeader('connection', 'close');
  }
  const socket = res.req?.socket;
  if (socket == null || socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
