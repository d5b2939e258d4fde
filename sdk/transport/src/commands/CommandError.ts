import type { ErrorCode } from '@easel/schemas';

/**
 * Why a command (or a wait) did not succeed: a contract §3 code from the gateway, or one of
 * the transport's own:
 * - `network`: no answer after every retry (the command may or may not have been applied;
 *   re-send it under the same `commandId` to find out — a retry is at worst a `duplicate`);
 * - `protocol`: the gateway answered something that is not the contract's shape;
 * - `timeout`: `awaitCursor` gave up waiting;
 * - `reset`: the canvas was reset (log wiped or compacted) before the wait was satisfied, or a
 *   local edit was rolled back with the document;
 * - `closed`: the transport was closed.
 */
export type CommandErrorCode = ErrorCode | 'network' | 'protocol' | 'timeout' | 'reset' | 'closed';

export interface CommandError {
  readonly code: CommandErrorCode;
  readonly message: string;
  /** HTTP status when the gateway answered. */
  readonly status?: number;
  readonly details?: unknown;
  readonly requestId?: string;
}
