import type { CommandOutcome } from '@easel/schemas';
import type pino from 'pino';
import { fail, ok, type Result } from '../errors/GatewayError.ts';
import type { EventSpine, PartitionId } from '../spine/EventSpine.ts';
import { isSpineError } from '../spine/SpineError.ts';
import { duplicateOutcome } from './duplicateOutcome.ts';

/** What {@link appendFailedOutcome} logs and answers; a constant per caller. */
export interface AppendFailedWording {
  /** The log line of a failure. */
  readonly log: string;
  /** The 503 message (says nothing was applied and how to retry). */
  readonly message: string;
}

/**
 * The outcome of an idempotent append (`commandId`) the spine rejected: the stored original as
 * `duplicate` when the id was stored already (e.g. by another node), else logged and 503. Never throws.
 */
export async function appendFailedOutcome(
  deps: { readonly spine: Pick<EventSpine, 'lookupCommand'>; readonly logger?: pino.Logger | undefined },
  err: unknown,
  partition: PartitionId,
  commandId: string,
  wording: AppendFailedWording,
): Promise<Result<CommandOutcome>> {
  if (isSpineError(err, 'duplicate_command')) {
    const stored = await deps.spine.lookupCommand(partition, commandId).catch(() => null);
    if (stored) return ok(duplicateOutcome(stored));
  }
  deps.logger?.error({ err, partition }, wording.log);
  return fail('unavailable', wording.message);
}
