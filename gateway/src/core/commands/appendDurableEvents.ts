import { type Actor, decodeCursor, encodeCursor, partitionId, type Scope } from '@easel/schemas';
import type pino from 'pino';
import { fail, ok, type Result } from '../errors/GatewayError.ts';
import type { EventSpine, StoredOutcome } from '../spine/EventSpine.ts';
import { isSpineError } from '../spine/SpineError.ts';
import type { PartitionTurns } from './PartitionTurns.ts';
import type { PublishQueue } from './PublishQueue.ts';
import { sizedEnvelopes } from './sizedEnvelopes.ts';
import { toBusEvents } from './toBusEvents.ts';
import { unavailable } from './unavailable.ts';

/** What appending needs: the core's spine, its publish queue and (shared spines) its write turns. */
export interface AppendContext {
  readonly spine: EventSpine;
  readonly publisher: PublishQueue;
  readonly turns: PartitionTurns | null;
  readonly now: () => number;
  readonly maxEventBytes: number;
  readonly logger?: pino.Logger;
}

/** Options of {@link appendDurableEvents}. */
export interface AppendEventsOptions {
  readonly causationId?: string;
  readonly sessionId?: string;
  readonly turnId?: string;
  /**
   * Shared spines: runs inside the partition's write turn before the synchronous part (every
   * event up to `head` is readable); a failure appends nothing.
   */
  readonly inTurn?: (head: number) => Promise<Result<void>>;
  /** Runs in the synchronous section right before the append; a failure appends nothing. */
  readonly check?: () => Result<void>;
  /** Runs right after the spine accepted the append (same synchronous section). */
  readonly appended?: (lastSeq: number) => void;
  /**
   * Idempotency key (not a client's `command_id`: pick one its pattern cannot produce): the append
   * is stored under it, and a later call with the same key appends nothing and answers the first
   * one's cursor with `duplicate: true`. Exactly once across nodes on shared spines (looked up in
   * the write turn); on a single-writer spine the caller must not race itself on one key.
   */
  readonly commandId?: string;
}

/**
 * Appends durable events that no command caused directly (a job's `job_completed`, a turn's
 * `turn_final` or outcome): one append, in a write turn on shared spines, published in seq order
 * once durable. Canvas state is not touched. Resolves with the last event's cursor and seq.
 * Never throws.
 */
export async function appendDurableEvents(
  ctx: AppendContext,
  scope: Scope,
  actor: Actor,
  events: ReadonlyArray<{ type: string; payload: object }>,
  opts: AppendEventsOptions = {},
): Promise<Result<{ cursor: string; seq: number; duplicate?: true }>> {
  if (events.length === 0) return fail('validation_failed', 'events: at least one event is required');
  const partition = partitionId(scope);
  const canvasId = scope.canvas_id ?? null;
  const envCtx = {
    scope,
    actor,
    durable: true,
    now: ctx.now(),
    ...(opts.causationId !== undefined ? { causationId: opts.causationId } : {}),
    ...(opts.sessionId !== undefined ? { sessionId: opts.sessionId } : {}),
    ...(opts.turnId !== undefined ? { turnId: opts.turnId } : {}),
  };
  const sized = sizedEnvelopes(events, envCtx, ctx.maxEventBytes);
  if (!sized.ok) return sized;
  const envelopes = sized.value;
  const commandId = opts.commandId;
  const append = (): Result<Promise<Result<{ cursor: string; seq: number; duplicate?: true }>>> => {
    const checked = opts.check?.();
    if (checked && !checked.ok) return checked;
    const { seqs, durable } = ctx.spine.append({
      partition,
      events: events.map((e, i) => ({ type: e.type, canvasId, envelope: envelopes[i]! })),
      ...(commandId !== undefined
        ? {
            commandId,
            outcome: (lastSeq: number) => ({
              cursor: encodeCursor({ epoch: ctx.spine.epoch, seq: lastSeq }),
              revision: 0,
            }),
          }
        : {}),
    });
    if (seqs.length !== events.length) {
      return ok(
        durable.then(
          () => fail('unavailable', 'the event spine refused the events; retry'),
          async (err: unknown) => {
            // The key was stored meanwhile (a single-writer spine refuses it at once): answer that append.
            if (commandId !== undefined && isSpineError(err, 'duplicate_command')) {
              const stored = await ctx.spine.lookupCommand(partition, commandId).catch(() => null);
              if (stored !== null) return duplicateAnswer(stored);
            }
            return unavailable(ctx.logger, err, 'appending events failed');
          },
        ),
      );
    }
    const last = seqs[seqs.length - 1]!;
    opts.appended?.(last);
    return ok(
      ctx.publisher.publish(partition, durable, toBusEvents(partition, canvasId, seqs, events, envelopes)).then(
        () => ok({ cursor: encodeCursor({ epoch: ctx.spine.epoch, seq: last }), seq: last }),
        (err: unknown) => unavailable(ctx.logger, err, 'appending events failed'),
      ),
    );
  };
  try {
    const started =
      ctx.turns === null
        ? await appendOnce(ctx, partition, commandId, append)
        : await ctx.turns.submit(partition, commandId, async (stored, head) => {
            if (stored !== null) return duplicateOf(stored);
            const checked = opts.inTurn ? await opts.inTurn(head) : ok(undefined);
            return checked.ok ? append() : checked;
          });
    return started.ok ? await started.value : started;
  } catch (err) {
    return unavailable(ctx.logger, err, 'appending events failed');
  }
}

/** Single-writer spines: the stored outcome of `commandId` (pending appends included), else `append()`. */
async function appendOnce<T>(
  ctx: AppendContext,
  partition: string,
  commandId: string | undefined,
  append: () => Result<Promise<Result<T>>>,
): Promise<Result<Promise<Result<T | { cursor: string; seq: number; duplicate: true }>>>> {
  if (commandId === undefined) return append();
  const stored = await ctx.spine.lookupCommand(partition, commandId);
  return stored !== null ? duplicateOf(stored) : append();
}

/** The answer to an append whose command id is already stored: its cursor, nothing appended. */
function duplicateAnswer(stored: StoredOutcome): Result<{ cursor: string; seq: number; duplicate: true }> {
  const decoded = decodeCursor(stored.cursor);
  return ok({ cursor: stored.cursor, seq: decoded.ok ? decoded.value.seq : 0, duplicate: true as const });
}

function duplicateOf(stored: StoredOutcome): Result<Promise<Result<{ cursor: string; seq: number; duplicate: true }>>> {
  return ok(Promise.resolve(duplicateAnswer(stored)));
}
