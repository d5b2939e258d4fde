import { type Actor, encodeCursor, partitionId, type Scope } from '@easel/schemas';
import type pino from 'pino';
import type { BusEvent } from '../bus/EventBus.ts';
import { CanvasRebuildError } from '../canvas/CanvasDoc.ts';
import { fail, type GatewayError, ok, type Result } from '../errors/GatewayError.ts';
import type { EventSpine } from '../spine/EventSpine.ts';
import { buildEnvelope } from './buildEnvelope.ts';
import type { PartitionTurns } from './PartitionTurns.ts';
import type { PublishQueue } from './PublishQueue.ts';

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

/** Logs an unexpected failure and answers 503 (never throws). */
export function unavailable(
  logger: pino.Logger | undefined,
  err: unknown,
  what: string,
): { ok: false; error: GatewayError } {
  if (err instanceof CanvasRebuildError) {
    logger?.error({ err }, 'canvas history unreadable');
    return fail('unavailable', 'the canvas history could not be read; retry later');
  }
  logger?.error({ err }, what);
  return fail('unavailable', `${what}; retry`);
}

/** The size check of contract §4 over built envelopes. */
export function checkEventSizes(
  envelopes: readonly string[],
  types: readonly string[],
  limit: number,
): { ok: true } | { ok: false; error: GatewayError } {
  for (let i = 0; i < envelopes.length; i++) {
    const bytes = Buffer.byteLength(envelopes[i]!);
    if (bytes > limit) {
      return fail('payload_too_large', `the ${types[i]} event would be ${bytes} bytes; the limit is ${limit}`, {
        limit,
        bytes,
      });
    }
  }
  return { ok: true };
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
  const envelopes = events.map((e) => buildEnvelope(e.type, e.payload, envCtx));
  const sized = checkEventSizes(
    envelopes,
    events.map((e) => e.type),
    ctx.maxEventBytes,
  );
  if (!sized.ok) return sized;
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
    const busEvents: BusEvent[] = seqs.map((seq, i) => ({
      partition,
      seq,
      canvasId,
      type: events[i]!.type,
      envelope: envelopes[i]!,
    }));
    return ok(
      ctx.publisher.publish(partition, durable, busEvents).then(
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
