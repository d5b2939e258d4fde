import type { ErrorCode } from '@easel/schemas';
import { ERROR_CODE_BY_STATUS } from '@easel/schemas/guards';
import { type ValidationMode, answerParser } from './validation.ts';

/** A non-2xx answer, read into the contract's error shape (§3). */
export interface HttpErrorInfo {
  readonly status: number;
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: unknown;
  readonly requestId?: string;
  /** From a `Retry-After` header (seconds or an HTTP date), in ms. */
  readonly retryAfterMs?: number;
}

const MAX_ERROR_BODY_CHARS = 64 * 1024;

/** The contract code for a status when the body does not say (e.g. a proxy's 502). */
export function codeForStatus(status: number): ErrorCode {
  const code = ERROR_CODE_BY_STATUS[status];
  if (code !== undefined) return code;
  // (429 is in the table: `rate_limited`.)
  if (status >= 500) return 'unavailable';
  return 'validation_failed';
}

/** `Retry-After` as milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Reads a non-2xx response's body (bounded) into {@link HttpErrorInfo}. Never throws. */
export async function readHttpError(response: Response, now: number, mode?: ValidationMode): Promise<HttpErrorInfo> {
  let text = '';
  try {
    text = (await response.text()).slice(0, MAX_ERROR_BODY_CHARS);
  } catch {
    // the body broke off: the status alone has to do
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = (await answerParser(mode, 'errorBody')).safeParse(json);
  const base = parsed.success
    ? {
        status: response.status,
        code: parsed.data.error.code,
        message: parsed.data.error.message,
        requestId: parsed.data.error.request_id,
        details: parsed.data.error.details,
      }
    : {
        status: response.status,
        code: codeForStatus(response.status),
        message: `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
      };
  return retryAfterMs === undefined ? base : { ...base, retryAfterMs };
}
