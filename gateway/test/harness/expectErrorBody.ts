import { expect } from 'vitest';
import type { ApiResponse } from './api.ts';

const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Asserts a contract §3 error: the status, the code, a message, and a ULID request_id that the
 * `x-request-id` header repeats.
 */
export function expectErrorBody(res: ApiResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.json?.error?.code }).toEqual({ status, code });
  expect(typeof res.json?.error?.message).toBe('string');
  expect(res.json.error.request_id).toMatch(ULID_RE);
  expect(res.headers.get('x-request-id')).toBe(res.json.error.request_id);
}
