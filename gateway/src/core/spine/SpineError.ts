/**
 * Why a spine operation failed. Every implementation (SQLite, PostgreSQL) rejects with these
 * codes so the gateway core can tell them apart without knowing the engine.
 */
export const SPINE_ERROR_CODES = {
  /** The write transaction failed; nothing of the batch was stored and no sequence number was consumed. */
  write_failed: 'write_failed',
  /** `append` with a `commandId` already stored (or pending) in the partition; nothing was stored. */
  duplicate_command: 'duplicate_command',
  /** The spine was closed before the operation. */
  closed: 'closed',
  /** A stored row failed validation on load (stored rows are untrusted input). */
  corrupt_row: 'corrupt_row',
  /** The store could not be opened (unreadable file, schema newer than this build, failed migration). */
  open_failed: 'open_failed',
  /**
   * `append` on a shared spine (several writer nodes) for a partition whose write turn this node
   * does not hold: appends belong inside `spine.turn(partition, work)`. A programmer error, as a value.
   */
  no_turn: 'no_turn',
} as const;

export type SpineErrorCode = keyof typeof SPINE_ERROR_CODES;

/**
 * The rejection value of spine promises. An `Error` subclass so stacks survive, with a `code`
 * to branch on and `details` saying which row or partition was involved.
 */
export class SpineError extends Error {
  override readonly name = 'SpineError';
  readonly code: SpineErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: SpineErrorCode, message: string, details?: Record<string, unknown>, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.details = details;
  }
}

/** True when `value` is a `SpineError` (optionally with the given code). */
export function isSpineError(value: unknown, code?: SpineErrorCode): value is SpineError {
  return value instanceof SpineError && (code === undefined || value.code === code);
}
