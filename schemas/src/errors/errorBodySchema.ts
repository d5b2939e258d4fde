import { z } from 'zod';
import { ERROR_CODE_LIST, type ErrorCode } from './errorCodes.ts';

export const errorCodeSchema = z.enum(ERROR_CODE_LIST as [ErrorCode, ...ErrorCode[]], {
  error: `must be one of ${ERROR_CODE_LIST.join(', ')}`,
});

/** The inner error object: `{code, message, details?}` (also a batch item's rejection). */
export const errorInfoSchema = z.object({
  code: errorCodeSchema,
  /** What to fix, for a person. */
  message: z.string().min(1).max(2000),
  details: z.record(z.string(), z.unknown()).optional(),
});

export type ErrorInfo = z.infer<typeof errorInfoSchema>;

/** Every non-2xx response (contract §3): `{"error": {code, message, details?, request_id}}`. */
export const errorBodySchema = z.object({
  error: errorInfoSchema.extend({ request_id: z.string().min(1).max(128) }),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Builds an error body. */
export function makeErrorBody(
  code: ErrorCode,
  message: string,
  requestId: string,
  details?: Record<string, unknown>,
): ErrorBody {
  return {
    error:
      details === undefined
        ? { code, message, request_id: requestId }
        : { code, message, details, request_id: requestId },
  };
}
