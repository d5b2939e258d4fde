import type { Envelope } from '@easel/schemas';
import { compareCursors, decodeCursor } from '@easel/schemas/guards';
import {
  type Attempt,
  ConnectionMachine,
  type ConnectionStatus,
  type Failure,
  type FailureKind,
} from '../connection/ConnectionMachine.ts';
import { BACKOFF_TIERS, type BackoffTier } from '../connection/backoff.ts';
import { Listeners } from '../lib/Listeners.ts';
import { errorMessage } from '../lib/errorMessage.ts';
import type { Deps } from '../lib/deps.ts';
import { readHttpError } from '../lib/httpError.ts';
import { resolveToken, type TokenSource } from '../lib/token.ts';
import { FrameTooLarge, readEventStream, type SseFrame } from './readEventStream.ts';

/** A frame that moves the stream to a position without an `id:` of its own (CANVAS_READY). */
export interface ReadyInfo {
  /** The position the stream continues after (null: the log is empty). */
  readonly cursor: string | null;
  readonly reset: boolean;
  /**
   * Paint first: the snapshot's `update` comes in the next frame (`event: CANVAS_READY_UPDATE`). Until
   * it did, the stream must not resume from `cursor`: a stream that ends (or sends anything else)
   * first reconnects without a cursor, for a fresh snapshot.
   */
  readonly follows?: boolean;
}

/** The gateway announced that it is ending the stream (`stream_closed`), and why. */
export interface ClosingInfo {
  readonly reason: string;
  readonly retryAfterMs?: number;
}

export type FrameParse<E> =
  | { readonly ok: true; readonly event: E; readonly ready?: ReadyInfo; readonly closing?: ClosingInfo }
  | { readonly ok: false; readonly message: string };

export const PROTOCOL_ERROR_REASONS = [
  'bad_json',
  'bad_event',
  'bad_cursor',
  'epoch_mismatch',
  'bad_line',
  'handler_threw',
  'frame_too_large',
] as const;
export type ProtocolErrorReason = (typeof PROTOCOL_ERROR_REASONS)[number];

/**
 * A frame the reader skipped, or a stream oddity it recovered from (never fatal): a message that
 * ends in `; resyncing` cost the state built from the stream an event, so the reader dropped its
 * cursor and reconnects for a fresh snapshot; `frame_too_large` ended the stream (it reconnects).
 */
export interface ProtocolError {
  readonly reason: ProtocolErrorReason;
  readonly message: string;
  readonly frame?: SseFrame;
}

export interface SseReaderOptions<E> {
  readonly deps: Deps;
  /** Gateway origin, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** Path and query of the stream, computed for every attempt (no cursor in it). */
  readonly path: () => string;
  readonly token: TokenSource;
  /** Validates one frame's JSON (the envelope and, where known, its payload). */
  readonly parse: (json: unknown, frame: SseFrame) => FrameParse<E>;
  /** Every accepted event, with the cursor it carried (null for telemetry and CANVAS_READY). */
  readonly onEvent: (event: E, cursor: string | null) => void;
  readonly onProtocolError?: (error: ProtocolError) => void;
  /**
   * The event types the state built from this stream depends on (their names are the keys): a
   * frame with an `id:` (a durable event) of one of these types that does not parse is an event
   * that state misses, so the reader resyncs (as on a bad CANVAS_READY) instead of skipping it.
   * Frames of other types (newer servers add some) and without `id:` (telemetry) are skipped.
   */
  readonly knownTypes?: Readonly<Record<string, unknown>>;
  /**
   * A durable event of another epoch than the last cursor's without a reset before it:
   * `resync` (default) drops the cursor and reconnects for a fresh snapshot; `adopt` accepts
   * it (streams without CANVAS_READY, such as `/v1/realtime`).
   */
  readonly epochChange?: 'resync' | 'adopt';
  /** Reconnect when no byte (not even a keep-alive comment) arrived for this long. Default 45 000 ms. */
  readonly idleTimeoutMs?: number;
  /** Resume position for the first connection. */
  readonly cursor?: string | null;
  readonly tiers?: readonly BackoffTier[];
  readonly offlineAfter?: number;
  /** Awaited before every attempt (e.g. loading the zod schemas that `parse` uses). */
  readonly prepare?: () => Promise<unknown>;
  /**
   * Paint first: after a CANVAS_READY whose update follows (`ReadyInfo.follows`), the frames after
   * it (its CANVAS_READY_UPDATE first) are kept as text, not parsed, until `defer` runs the function
   * it is handed (e.g. after the next paint): so parsing the large update does not delay the paint
   * of the state. A second frame kept, the stream ending, or a new attempt handles (or drops)
   * them at once. Order is kept.
   */
  readonly defer?: (resume: () => void) => void;
}

/** How long after a resync reconnected the next one still counts as in a row (see `resync`). */
const RESYNC_QUIET_MS = 60_000;

/**
 * One SSE stream over `fetch` (so it can send `Authorization`), driven by a
 * {@link ConnectionMachine}: resumes with `Last-Event-ID`, skips replayed cursors, reports bad
 * frames through `onProtocolError` instead of failing, and reconnects on a stall.
 */
export class SseReader<E> {
  readonly machine: ConnectionMachine;
  readonly #options: SseReaderOptions<E>;
  #cursor: string | null;
  #controller: AbortController | null = null;
  #closing: ClosingInfo | null = null;
  /** A CANVAS_READY announced its snapshot's update (`ReadyInfo.follows`), which has not come yet. */
  #follows = false;
  #idleTimer: unknown = null;
  /** Resyncs in a row (each before `#quietAt`, `RESYNC_QUIET_MS` after the last one reconnected). */
  #resyncs = 0;
  #quietAt = 0;
  #counts = { delivered: 0, duplicates: 0, protocolErrors: 0, opens: 0 };
  readonly #protocolErrors = new Listeners<[ProtocolError]>();

  constructor(options: SseReaderOptions<E>) {
    this.#options = options;
    this.#cursor = options.cursor ?? null;
    this.machine = new ConnectionMachine({
      timers: options.deps.timers,
      random: options.deps.random,
      onAttempt: (attempt) => void this.#attempt(attempt),
      tiers: options.tiers,
      offlineAfter: options.offlineAfter,
    });
    if (options.onProtocolError) this.#protocolErrors.add(options.onProtocolError);
  }

  /** The last durable position received: sent as `Last-Event-ID` on reconnect. */
  get cursor(): string | null {
    return this.#cursor;
  }

  get status(): ConnectionStatus {
    return this.machine.status;
  }

  /** Frames delivered, replayed duplicates skipped, protocol errors, successful opens. */
  get counts(): Readonly<{ delivered: number; duplicates: number; protocolErrors: number; opens: number }> {
    return { ...this.#counts };
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.machine.onStatus(listener);
  }

  onProtocolError(listener: (error: ProtocolError) => void): () => void {
    return this.#protocolErrors.add(listener);
  }

  start(): void {
    this.machine.start();
  }

  close(): void {
    this.#abort();
    this.machine.close();
  }

  /**
   * Drops the cursor and reconnects, so the server sends a fresh snapshot: at once, but a resync
   * asked for within `RESYNC_QUIET_MS` (60 s) after the last one reconnected waits first, half to
   * all of 1 s, 2 s, 4 s, … up to the backoff cap (the stream closed meanwhile, `status`
   * `reconnecting`): a newer server sending events this client cannot use costs a snapshot per
   * wait, not per event. When resting (closed, refused) it only drops the cursor: the next
   * `start()` connects without it.
   */
  resync(): void {
    this.#cursor = null;
    const { state, attemptId } = this.machine;
    const { deps, tiers = BACKOFF_TIERS } = this.#options;
    const at = deps.now();
    const n = at < this.#quietAt ? this.#resyncs + 1 : 0;
    this.#resyncs = n;
    const wait = n && (Math.min(2 ** n * 500, tiers.at(-1)!.ms) * (1 + deps.random())) / 2;
    this.#quietAt = at + wait + RESYNC_QUIET_MS;
    this.#abort();
    if (state === 'open' || state === 'connecting')
      this.machine.failed(attemptId, { kind: 'ended', message: 'resync', retryAfterMs: wait });
    else if (state === 'backoff' && !n) this.machine.start();
  }

  async #attempt(attempt: Attempt): Promise<void> {
    const { deps } = this.#options;
    this.#abort();
    const controller = new AbortController();
    this.#controller = controller;
    const current = () => this.#controller === controller && this.machine.attemptId === attempt.id;
    const fail = (failure: Failure) => {
      if (!current()) return;
      this.#abort();
      this.machine.failed(attempt.id, failure);
    };

    if (this.#options.prepare) {
      try {
        await this.#options.prepare();
      } catch (error) {
        return fail({ kind: 'network', message: errorMessage(error) });
      }
      if (!current()) return;
    }
    const token = await resolveToken(this.#options.token);
    if (!current()) return;
    if (!token.ok) return fail({ kind: 'network', message: token.message });

    // The last stream ended between a CANVAS_READY and its update: start over from a fresh snapshot.
    if (this.#follows) {
      this.#follows = false;
      this.#cursor = null;
    }
    const headers: Record<string, string> = {
      accept: 'text/event-stream',
      'cache-control': 'no-cache',
      authorization: `Bearer ${token.value}`,
    };
    if (this.#cursor !== null) headers['last-event-id'] = this.#cursor;

    // Also bounds a server that never sends the answer headers, or never ends a refusal's body.
    this.#armIdle(controller, attempt.id);
    let response: Response;
    try {
      response = await deps.fetch(this.#options.baseUrl + this.#options.path(), {
        method: 'GET',
        headers,
        signal: controller.signal,
      });
    } catch (error) {
      return fail({ kind: 'network', message: errorMessage(error) });
    }
    if (!current()) {
      void response.body?.cancel().catch(() => undefined);
      return;
    }
    // A 200 that is not an event stream (a captive portal's page, a proxy's) is refused too.
    if (response.status !== 200 || !response.headers.get('content-type')?.includes('event-stream')) {
      const info = await readHttpError(response, deps.now(), deps.validate);
      const failure: Failure = {
        kind: failureKind(response.status),
        status: response.status,
        message: `${info.code}: ${info.message}`,
        retryAfterMs: info.retryAfterMs,
      };
      deps.logger.warn?.('stream refused', failure);
      return fail(failure);
    }

    this.#counts.opens += 1;
    this.#closing = null;
    this.machine.opened(attempt.id);
    // Frames kept until the deferred resume (see `defer`); null: frames are handled as they come.
    let held: SseFrame[] | null = null;
    const resume = (frames: SseFrame[] | null) => {
      if (frames === null || held !== frames) return;
      held = null;
      for (const frame of frames) onFrame(frame);
    };
    const onFrame = (frame: SseFrame) => {
      if (!current()) return;
      // Only the update waits for the paint: a later frame (live events) resumes at once, so a
      // hidden tab (no frames painted) still applies events and answers cursor waits.
      if (held) held.push(frame) > 1 && resume(held);
      else if (this.#handleFrame(frame) && this.#options.defer) {
        const frames: SseFrame[] = [];
        held = frames;
        this.#options.defer(() => resume(frames));
      }
    };
    try {
      await readEventStream(response.body!, {
        onFrame,
        onRetry: (ms) => this.machine.setServerRetry(ms),
        onActivity: () => {
          if (current()) this.#armIdle(controller, attempt.id);
        },
        onParseError: (message) => this.#report({ reason: 'bad_line', message }),
      });
      resume(held);
      fail(this.#endFailure());
    } catch (error) {
      const message = errorMessage(error);
      if (error instanceof FrameTooLarge && current()) this.#report({ reason: 'frame_too_large', message });
      fail({ kind: 'network', message });
    }
  }

  /** Handles one frame; true when it was a CANVAS_READY whose update follows (`ReadyInfo.follows`). */
  #handleFrame(frame: SseFrame): boolean | undefined {
    let json: unknown;
    try {
      json = JSON.parse(frame.data);
    } catch {
      return this.#skip(frame, 'bad_json', 'frame data is not JSON', frame.event);
    }
    const parsed = this.#options.parse(json, frame);
    // (`parse` checked that `event:` names the envelope's type.)
    if (this.#follows !== (parsed.ok && frame.event === 'CANVAS_READY_UPDATE')) {
      // (An update must come right after its CANVAS_READY: else start over from a fresh snapshot.)
      return this.#skip(frame, 'bad_event', 'CANVAS_READY_UPDATE out of place');
    }
    if (!parsed.ok) return this.#skip(frame, 'bad_event', parsed.message, frame.event ?? (json as Envelope)?.type);
    this.#follows = false;
    if (parsed.closing) this.#closing = parsed.closing;
    if (parsed.ready) {
      const { cursor } = parsed.ready;
      if (cursor !== null && !decodeCursor(cursor).ok) {
        this.#report({
          reason: 'bad_cursor',
          message: `CANVAS_READY cursor ${JSON.stringify(cursor)} is malformed`,
          frame,
        });
        return;
      }
      this.#cursor = cursor;
      this.#follows = parsed.ready.follows === true;
      this.#deliver(parsed.event, null);
      return this.#follows;
    }
    if (!frame.id) {
      this.#deliver(parsed.event, null);
      return;
    }
    const next = decodeCursor(frame.id);
    if (!next.ok) {
      this.#report({ reason: 'bad_cursor', message: `id ${JSON.stringify(frame.id)}: ${next.reason}`, frame });
      return;
    }
    const last = this.#cursor === null ? null : decodeCursor(this.#cursor);
    if (last?.ok) {
      if (last.value.epoch !== next.value.epoch) {
        if (this.#options.epochChange !== 'adopt') {
          this.#report({
            reason: 'epoch_mismatch',
            message: `event ${frame.id}: another epoch than ${this.#cursor}, no reset first; resyncing`,
            frame,
          });
          this.resync();
          return;
        }
      } else if (compareCursors(next.value, last.value) <= 0) {
        this.#counts.duplicates += 1;
        this.#options.deps.logger.debug?.('skipped a replay', { cursor: frame.id, last: this.#cursor });
        return;
      }
    }
    this.#cursor = frame.id;
    this.#deliver(parsed.event, frame.id);
  }

  /**
   * Reports a frame that did not parse. What follows builds on it when it is a CANVAS_READY (its
   * snapshot), is expected to be its update, or is a durable event of a known type (the mirror would
   * miss it): then the reader starts over from a fresh snapshot. Anything else is skipped.
   */
  #skip(frame: SseFrame, reason: ProtocolErrorReason, message: string, type?: unknown): undefined {
    const resync =
      this.#follows ||
      type === 'CANVAS_READY' ||
      (!!frame.id && Object.hasOwn(this.#options.knownTypes ?? {}, type as PropertyKey));
    this.#report({ reason, message: resync ? `${message}; resyncing` : message, frame });
    if (resync) this.resync();
  }

  /**
   * How a stream that ended is treated: after `stream_closed`, by its reason (contract
   * STREAM_CLOSE_REASONS): `lens_revoked` rests forbidden, `replaced` rests closed (another
   * connection took over), `token_expired` reconnects at once with a fresh token, anything else
   * reconnects with backoff (at least `retry_after_ms`).
   */
  #endFailure(): Failure {
    const closing = this.#closing;
    this.#closing = null;
    if (!closing) return { kind: 'ended', message: 'the server ended the stream' };
    // (`retryAfterMs` matters to `ended` only: the other kinds rest or reconnect at once.)
    return {
      kind: CLOSE_KINDS[closing.reason] ?? 'ended',
      message: `the server closed the stream: ${closing.reason}`,
      retryAfterMs: closing.retryAfterMs,
    };
  }

  #deliver(event: E, cursor: string | null): void {
    this.#counts.delivered += 1;
    try {
      this.#options.onEvent(event, cursor);
    } catch (error) {
      this.#report({ reason: 'handler_threw', message: errorMessage(error) });
    }
    // (After: an event whose handling ended the connection, e.g. a snapshot that did not apply, is no sign of health.)
    this.machine.healthy();
  }

  #report(error: ProtocolError): void {
    this.#counts.protocolErrors += 1;
    this.#options.deps.logger.warn?.(`protocol error (${error.reason}): ${error.message}`);
    this.#protocolErrors.emit(error);
  }

  #armIdle(controller: AbortController, attemptId: number): void {
    const { timers } = this.#options.deps;
    if (this.#idleTimer !== null) timers.clearTimeout(this.#idleTimer);
    this.#idleTimer = timers.setTimeout(() => {
      this.#idleTimer = null;
      if (this.#controller !== controller) return;
      this.#abort();
      this.machine.failed(attemptId, { kind: 'stalled', message: 'no bytes (not even keep-alives) in time' });
    }, this.#options.idleTimeoutMs ?? 45_000);
  }

  #abort(): void {
    if (this.#idleTimer !== null) {
      this.#options.deps.timers.clearTimeout(this.#idleTimer);
      this.#idleTimer = null;
    }
    const controller = this.#controller;
    this.#controller = null;
    controller?.abort();
  }
}

/** `stream_closed` reasons (checked against the contract's list by `parse`) that do not back off. */
const CLOSE_KINDS: Readonly<Record<string, FailureKind | undefined>> = {
  lens_revoked: 'forbidden',
  replaced: 'invalid',
  token_expired: 'unauthorized',
};

function failureKind(status: number): Failure['kind'] {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 429 || status >= 500 || status === 200) return 'server';
  return 'invalid';
}
