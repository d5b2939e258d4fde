import { type Actor, encodeCursor, partitionId, type Scope } from '@easel/schemas';
import type pino from 'pino';
import { fail, ok, type Result } from '../errors/GatewayError.ts';
import type { EventSpine } from '../spine/EventSpine.ts';
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
): Promise<Result<{ cursor: string; seq: number }>> {
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
  const append = (): Result<Promise<Result<{ cursor: string; seq: number }>>> => {
    const checked = opts.check?.();
    if (checked && !checked.ok) return checked;
    const { seqs, durable } = ctx.spine.append({
      partition,
      events: events.map((e, i) => ({ type: e.type, canvasId, envelope: envelopes[i]! })),
    });
    if (seqs.length !== events.length) {
      return ok(
        durable.then(
          () => fail('unavailable', 'the event spine refused the events; retry'),
          (err: unknown) => unavailable(ctx.logger, err, 'appending events failed'),
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
        ? append()
        : await ctx.turns.submit(partition, undefined, async (_stored, head) => {
            const checked = opts.inTurn ? await opts.inTurn(head) : ok(undefined);
            return checked.ok ? append() : checked;
          });
    return started.ok ? await started.value : started;
  } catch (err) {
    return unavailable(ctx.logger, err, 'appending events failed');
  }
}
