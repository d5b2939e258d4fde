import type { ServerResponse } from 'node:http';
import type pino from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { HTTP_BODY_IDLE_DEFAULT_MS, httpBodyBudgetBytes, httpBodyIdleMs } from './createHttpServer.ts';
import type { HttpDeps } from './HttpDeps.ts';
import { sendRawError } from './sendError.ts';

/**
 * The bytes all request bodies being received may hold together, process-wide. Every body
 * reader reserves what it buffers and releases it once, when its request ends; a reservation
 * that would go over the capacity is refused (the request is answered {@link sendBodyBudgetBusy}).
 *
 * A reservation is refused only while other bodies hold bytes: a lone body is always admitted
 * (its route's own limit bounds it), so a body larger than the whole budget is served when the
 * server is otherwise idle instead of never.
 *
 * A reservation is held only while its body keeps arriving: a body reader gives up on a body
 * whose connection brought no byte for {@link idleMs} (see `BodyIdleWatch`), so a client that
 * declares a large body and sends nothing holds its bytes for that long, not for the whole
 * request timeout.
 */
export class BodyBudget {
  #inFlight = 0;
  #logger: Pick<pino.Logger, 'error'> | null;
  #overReleaseLogged = false;
  /** Longest a body being read may bring no byte, ms (`EASEL_HTTP_BODY_IDLE_MS`). */
  readonly idleMs: number;

  /**
   * @param capacityBytes What all bodies may hold together (a positive integer).
   * @param options.idleMs Longest a body being read may bring no byte (ms, a positive integer). Default 10 000.
   * @param options.logger Where an over-release (a programmer error) is logged. Default: set by {@link useLogger}.
   */
  constructor(
    readonly capacityBytes: number,
    options: { idleMs?: number; logger?: Pick<pino.Logger, 'error'> } = {},
  ) {
    if (!Number.isSafeInteger(capacityBytes) || capacityBytes <= 0) {
      throw new RangeError(`BodyBudget: capacity must be a positive integer, not ${capacityBytes}`);
    }
    const idleMs = options.idleMs ?? HTTP_BODY_IDLE_DEFAULT_MS;
    if (!Number.isSafeInteger(idleMs) || idleMs <= 0) {
      throw new RangeError(`BodyBudget: idleMs must be a positive integer, not ${idleMs}`);
    }
    this.idleMs = idleMs;
    this.#logger = options.logger ?? null;
  }

  /** Logs over-releases to `logger`, unless the budget has a logger already. */
  useLogger(logger: Pick<pino.Logger, 'error'>): void {
    this.#logger ??= logger;
  }

  /** The bytes reserved now. */
  get inFlightBytes(): number {
    return this.#inFlight;
  }

  /**
   * Reserves `bytes` more for a body that already holds `heldBytes` (its earlier reservations);
   * false, reserving nothing, when that would go over the capacity while other bodies hold bytes.
   */
  tryReserve(bytes: number, heldBytes = 0): boolean {
    const total = this.#inFlight + bytes;
    if (total > this.capacityBytes && this.#inFlight !== heldBytes) return false;
    this.#inFlight = total;
    return true;
  }

  /** Whether {@link tryReserve} of `bytes` (for a body holding nothing yet) would succeed now; reserves nothing. */
  fits(bytes: number): boolean {
    return this.#inFlight + bytes <= this.capacityBytes || this.#inFlight === 0;
  }

  /**
   * Gives back `bytes` reserved earlier. Releasing more than is reserved (twice) is a programmer
   * error, but it happens inside a request's event handlers, where a throw would end the process:
   * the budget drops to 0 instead, and the first such release is logged at error level.
   */
  release(bytes: number): void {
    if (bytes > this.#inFlight) {
      this.#overReleased(bytes);
      this.#inFlight = 0;
      return;
    }
    this.#inFlight -= bytes;
  }

  #overReleased(bytes: number): void {
    if (this.#overReleaseLogged) return;
    this.#overReleaseLogged = true;
    const fields = { released_bytes: bytes, reserved_bytes: this.#inFlight };
    const message =
      'BodyBudget: released more bytes than are reserved (a bug in a body reader); the budget is set to 0 (further over-releases are not logged)';
    if (this.#logger !== null) this.#logger.error(fields, message);
    else console.error(message, fields);
  }
}

let shared: BodyBudget | null = null;

/** The budget bodies of `deps`' routes are read under: `deps.bodyBudget`, else {@link processBodyBudget}. */
export function bodyBudgetOf(deps: Pick<HttpDeps, 'bodyBudget'>): BodyBudget {
  return deps.bodyBudget ?? processBodyBudget();
}

/**
 * The process-wide {@link BodyBudget} (`EASEL_HTTP_BODY_BUDGET_BYTES`, default 256 MiB;
 * `EASEL_HTTP_BODY_IDLE_MS`, default 10 000, a bad value keeps the default: `easel serve` refuses
 * it at start), made on first use.
 */
export function processBodyBudget(): BodyBudget {
  if (shared === null) {
    const idle = httpBodyIdleMs(process.env);
    shared = new BodyBudget(httpBodyBudgetBytes(process.env), idle.ok ? { idleMs: idle.value } : {});
  }
  return shared;
}

/** The name of the gauge {@link registerBodyBudgetGauge} adds. */
export const BODY_BUDGET_GAUGE = 'easel_http_body_bytes_in_flight';

/**
 * Adds the gauge `easel_http_body_bytes_in_flight` (what `budget` holds, read at scrape time) to
 * `registry`, unless it has it already.
 */
export function registerBodyBudgetGauge(registry: Registry, budget: BodyBudget): void {
  if (registry.getSingleMetric(BODY_BUDGET_GAUGE) !== undefined) return;
  new Gauge({
    name: BODY_BUDGET_GAUGE,
    help: 'Bytes of request bodies being received, reserved in the body budget (EASEL_HTTP_BODY_BUDGET_BYTES).',
    registers: [registry],
    collect() {
      this.set(budget.inFlightBytes);
    },
  });
}

/** The message of a 503 answered because the body budget is spent. */
export const BODY_BUDGET_BUSY =
  'the gateway is busy receiving other requests; nothing was applied, retry in a moment (see Retry-After)';

/** Seconds a refused client is asked to wait (`Retry-After`). */
export const BODY_BUDGET_RETRY_AFTER_S = 1;

/**
 * Answers a request whose body did not fit the {@link BodyBudget}: 503 `unavailable` with
 * `Retry-After` and `connection: close` (the rest of the body is not read).
 */
export function sendBodyBudgetBusy(res: ServerResponse, requestId: string): void {
  setBodyBudgetBusyHeaders(res);
  sendRawError(res, requestId, 'unavailable', BODY_BUDGET_BUSY);
}

/** The headers of {@link sendBodyBudgetBusy}: `Retry-After`, and the connection closes after the answer. */
export function setBodyBudgetBusyHeaders(res: ServerResponse): void {
  if (res.headersSent) return;
  res.shouldKeepAlive = false;
  res.setHeader('connection', 'close');
  res.setHeader('retry-after', String(BODY_BUDGET_RETRY_AFTER_S));
}
