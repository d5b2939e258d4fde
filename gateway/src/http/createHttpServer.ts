import {
  createServer,
  type IncomingMessage,
  maxHeaderSize,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import type pino from 'pino';
import { answerClientError } from './answerClientError.ts';

/** Timeouts of {@link createHttpServer} (all ms). */
export interface HttpServerTuning {
  /**
   * The request line and headers must arrive within this (slow-header clients, "slowloris"):
   * answered 400 `validation_failed` and closed. Default 30 000 (node: 60 000).
   */
  readonly headersTimeoutMs: number;
  /**
   * A whole request, body included, must arrive within this (a body that trickles): answered 400
   * `validation_failed` and closed, nothing applied. Streams are not affected (a GET is whole
   * once its headers are in). Default 120 000 (node: 300 000; an 8 MiB batch at 1 Mbit/s needs ≈ 70 s).
   */
  readonly requestTimeoutMs: number;
  /** How often the two timeouts above are checked. Default 5000 (node: 30 000). */
  readonly checkIntervalMs: number;
}

/**
 * Vets a request that asked `Expect: 100-continue` before its body is sent: either answers it
 * (a final status, no `100 Continue`) and returns true, or returns false, touching nothing.
 */
export type ContinueCheck = (req: IncomingMessage, res: ServerResponse) => boolean;

/** A request listener, optionally with the {@link ContinueCheck} for its routes (`createRequestListener`). */
export type GatewayListener = RequestListener & { readonly beforeContinue?: ContinueCheck };

/** The defaults of {@link HttpServerTuning}. */
export const HTTP_SERVER_DEFAULTS: HttpServerTuning = Object.freeze({
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 120_000,
  checkIntervalMs: 5000,
});

/**
 * {@link HttpServerTuning} from `env`: `EASEL_HTTP_HEADERS_TIMEOUT_MS`,
 * `EASEL_HTTP_REQUEST_TIMEOUT_MS`, `EASEL_HTTP_TIMEOUT_CHECK_MS` (positive integers; anything
 * else keeps the default here, and `easel serve` refuses it at start: {@link httpSettingsProblem}).
 * Tests shorten them.
 */
export function httpServerTuning(env: Readonly<Record<string, string | undefined>>): HttpServerTuning {
  const read = (name: string, fallback: number): number => readPositiveInteger(env, name, fallback);
  const headersTimeoutMs = read('EASEL_HTTP_HEADERS_TIMEOUT_MS', HTTP_SERVER_DEFAULTS.headersTimeoutMs);
  return {
    headersTimeoutMs,
    // node requires requestTimeout ≥ headersTimeout
    requestTimeoutMs: Math.max(
      headersTimeoutMs,
      read('EASEL_HTTP_REQUEST_TIMEOUT_MS', HTTP_SERVER_DEFAULTS.requestTimeoutMs),
    ),
    checkIntervalMs: read('EASEL_HTTP_TIMEOUT_CHECK_MS', HTTP_SERVER_DEFAULTS.checkIntervalMs),
  };
}

/** What all request bodies being received may hold together by default (`BodyBudget`): 256 MiB. */
export const HTTP_BODY_BUDGET_DEFAULT_BYTES = 256 * 1024 * 1024;

/**
 * The capacity of the process-wide `BodyBudget` from `env`: `EASEL_HTTP_BODY_BUDGET_BYTES` (a
 * positive integer; anything else keeps {@link HTTP_BODY_BUDGET_DEFAULT_BYTES} here, and `easel serve`
 * refuses it at start: {@link httpSettingsProblem}).
 */
export function httpBodyBudgetBytes(env: Readonly<Record<string, string | undefined>>): number {
  return readPositiveInteger(env, 'EASEL_HTTP_BODY_BUDGET_BYTES', HTTP_BODY_BUDGET_DEFAULT_BYTES);
}

/** How long a body being read may bring no byte by default (`BodyBudget.idleMs`): 10 s. */
export const HTTP_BODY_IDLE_DEFAULT_MS = 10_000;

/**
 * How long a request body being read may bring no byte before the request is answered 400
 * `validation_failed` and closed, its body-budget reservation released (a client that declares a
 * large body and sends nothing, or trickles it): `EASEL_HTTP_BODY_IDLE_MS`, a positive integer
 * of milliseconds (unset or empty: {@link HTTP_BODY_IDLE_DEFAULT_MS}). Anything else is an error,
 * so a typo does not go unnoticed (`easel serve` refuses to start).
 */
export function httpBodyIdleMs(
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; value: number } | { ok: false; message: string } {
  const text = env.EASEL_HTTP_BODY_IDLE_MS;
  if (text === undefined || text.trim() === '') return { ok: true, value: HTTP_BODY_IDLE_DEFAULT_MS };
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value <= 0) {
    return {
      ok: false,
      message: `EASEL_HTTP_BODY_IDLE_MS must be a positive integer of milliseconds (e.g. 10000), not ${JSON.stringify(text)}`,
    };
  }
  return { ok: true, value };
}

/** The `EASEL_HTTP_*` settings that must be positive integers when set (see {@link httpSettingsProblem}). */
const POSITIVE_INTEGER_SETTINGS = [
  ['EASEL_HTTP_HEADERS_TIMEOUT_MS', 'milliseconds (e.g. 30000)'],
  ['EASEL_HTTP_REQUEST_TIMEOUT_MS', 'milliseconds (e.g. 120000)'],
  ['EASEL_HTTP_TIMEOUT_CHECK_MS', 'milliseconds (e.g. 5000)'],
  ['EASEL_HTTP_BODY_BUDGET_BYTES', 'bytes (e.g. 268435456)'],
] as const;

/**
 * Why the `EASEL_HTTP_*` settings in `env` cannot be used (the first bad one, named, with what it
 * must be), or null when every set one is valid. {@link httpServerTuning} and
 * {@link httpBodyBudgetBytes} keep the default for a bad value; `easel serve` refuses to start
 * with this message instead, so a typo does not go unnoticed.
 */
export function httpSettingsProblem(env: Readonly<Record<string, string | undefined>>): string | null {
  for (const [name, unit] of POSITIVE_INTEGER_SETTINGS) {
    const text = env[name];
    if (text === undefined || text.trim() === '') continue;
    const value = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value <= 0) {
      return `${name} must be a positive integer of ${unit}, not ${JSON.stringify(text)}`;
    }
  }
  const idle = httpBodyIdleMs(env);
  return idle.ok ? null : idle.message;
}

function readPositiveInteger(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
): number {
  const value = Number(env[name]);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

/**
 * The gateway's HTTP server around `listener`, hardened against broken and hostile clients so
 * that every answer is a contract §3 JSON error and nothing stays open forever:
 * - requests node's parser rejects (oversized headers, bad framing, garbage after a pipelined
 *   request, timeouts) are answered by {@link answerClientError};
 * - an HTTP/1.1 request without `Host` reaches `listener` (node would answer a bare 400 with no
 *   body): `listener` must refuse it (`createRequestListener` does);
 * - `CONNECT` (no proxy here) is answered 400 JSON and closed;
 * - slow headers and trickling bodies are cut after {@link HttpServerTuning}'s timeouts (a body
 *   that stops arriving is cut sooner by the body readers: `BodyBudget.idleMs`, `BodyIdleWatch`);
 * - idle keep-alive connections close after 65 s;
 * - a request with `Expect: 100-continue` is first put to `listener.beforeContinue`: when that
 *   answers it (e.g. a declared body over the route's limit), no `100 Continue` is sent and the
 *   client never uploads the body; otherwise `100 Continue` is sent and `listener` serves it (what
 *   node does for every such request without a check).
 */
export function createHttpServer(
  listener: GatewayListener,
  logger: pino.Logger,
  tuning: HttpServerTuning = httpServerTuning(process.env),
): Server {
  const server = createServer(
    {
      requireHostHeader: false,
      headersTimeout: tuning.headersTimeoutMs,
      requestTimeout: tuning.requestTimeoutMs,
      connectionsCheckingInterval: tuning.checkIntervalMs,
    },
    listener,
  );
  server.keepAliveTimeout = 65_000;
  const clientError = answerClientError(logger, () => maxHeaderSize);
  server.on('clientError', clientError);
  server.on('connect', (_req: unknown, socket: Duplex) => {
    const err = Object.assign(new Error('CONNECT is not served'), { code: 'CONNECT' });
    clientError(err, socket);
  });
  const beforeContinue = listener.beforeContinue;
  if (beforeContinue !== undefined) {
    // With a `checkContinue` listener node neither sends `100 Continue` nor emits `request`.
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      if (beforeContinue(req, res)) return;
      res.writeContinue();
      server.emit('request', req, res);
    });
  }
  return server;
}
