/** Why a harness action did not succeed: a contract §3 code, or a transport/harness one. */
export interface HarnessError {
  /** `validation_failed`, `forbidden`, `not_found`, `conflict`, `unavailable`, `network`, `timeout`, `closed`, ... */
  readonly code: string;
  /** What happened, in words a person can act on. */
  readonly message: string;
  /** HTTP status when the gateway answered. */
  readonly status?: number;
}

/** An expected failure is a value (house style): `{ok: true, value}` or `{ok: false, error}`. */
export type HarnessResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: HarnessError };

export function okResult<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function errResult(
  code: string,
  message: string,
  status?: number,
): { readonly ok: false; readonly error: HarnessError } {
  return { ok: false, error: status === undefined ? { code, message } : { code, message, status } };
}
