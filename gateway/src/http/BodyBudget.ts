import type { ServerResponse } from 'node:http';
import { Gauge, type Registry } from 'prom-client';
import { httpBodyBudgetBytes } from './createHttpServer.ts';
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
 */
export class BodyBudget {
  #inFlight = 0;

  /** @param capacityBytes What all bodies may hold together (a positive integer). */
  constructor(readonly capacityBytes: number) {
    if (!Number.isSafeInteger(capacityBytes) || capacityBytes <= 0) {
      throw new RangeError(`BodyBudget: capacity must be a positive integer, not ${capacityBytes}`);
    }
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

  /** Gives back `bytes` reserved earlier. Releasing more than is reserved (twice) is a programmer error. */
  release(bytes: number): void {
    if (bytes > this.#inFlight) {
      throw new RangeError(`BodyBudget: released ${bytes} bytes but only ${this.#inFlight} are reserved`);
    }
    this.#inFlight -= bytes;
  }
}

let shared: BodyBudget | null = null;

/** The budget bodies of `deps`' routes are read under: `deps.bodyBudget`, else {@link processBodyBudget}. */
export function bodyBudgetOf(deps: Pick<HttpDeps, 'bodyBudget'>): BodyBudget {
  return deps.bodyBudget ?? processBodyBudget();
}

/** The process-wide {@link BodyBudget} (`EASEL_HTTP_BODY_BUDGET_BYTES`, default 256 MiB), made on first use. */
export function processBodyBudget(): BodyBudget {
  shared ??= new BodyBudget(httpBodyBudgetBytes(process.env));
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
