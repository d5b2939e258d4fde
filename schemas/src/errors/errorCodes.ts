/**
 * The error registry (contract §3). A code is never reused for another meaning; every code is
 * documented in `schemas/ERRORS.md` (a test checks it).
 */
export const ERROR_CODES = {
  validation_failed: {
    status: 400,
    summary: 'The request is malformed; the message names the field and what it must be.',
  },
  unauthenticated: { status: 401, summary: 'No bearer token, or it is malformed, badly signed or expired.' },
  forbidden: { status: 403, summary: 'The token is valid but its roles (lens policy) do not allow this.' },
  tenant_mismatch: { status: 403, summary: "The request's scope tenant_id differs from the token's tenant." },
  not_found: { status: 404, summary: 'Nothing with that id exists in your tenant.' },
  conflict: { status: 409, summary: 'The state changed first (stale expected_revision, or the thing already exists).' },
  payload_too_large: { status: 413, summary: 'The body or a field is over its size limit.' },
  rate_limited: { status: 429, summary: 'Too many requests; retry after the Retry-After delay.' },
  unavailable: { status: 503, summary: 'A dependency (storage, bus, plugin) is not ready; retry later.' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Every error code, in registry order. */
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

/** HTTP status of an error code. */
export function errorStatus(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}
