import type { ErrorCode } from '@easel/schemas';

/** An expected failure: the HTTP adapter maps `code` to its status via `ERROR_CODES[code].status`. */
export interface GatewayError {
  readonly code: ErrorCode;
  /** Says what to fix (contract §3). */
  readonly message: string;
  readonly details?: unknown;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: GatewayError };

/** Builds a failed result. */
export function fail(code: ErrorCode, message: string, details?: unknown): { ok: false; error: GatewayError } {
  return details === undefined
    ? { ok: false, error: { code, message } }
    : { ok: false, error: { code, message, details } };
}

/** Builds a successful result. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}
