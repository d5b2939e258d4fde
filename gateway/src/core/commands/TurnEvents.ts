import { type Actor, type EventType, partitionId, type Scope } from '@easel/schemas';
import type { EventBus } from '../bus/EventBus.ts';
import { fail, ok, type Result } from '../errors/GatewayError.ts';
import { type AppendContext, appendDurableEvents } from './appendDurableEvents.ts';
import { buildEnvelope } from './buildEnvelope.ts';
import type { TurnEnd, TurnLedger } from './TurnLedger.ts';
import type { TurnRecords } from './TurnRecords.ts';
import { turnCancelledAfter } from './turnCancelledAfter.ts';

/** Which turn events belong to (envelope `turn_id` / `session_id`, canvas scope). */
export interface TurnRef {
  readonly scope: Scope;
  readonly turnId: string;
  readonly sessionId?: string;
  /** The command that caused the events (e.g. the `chat.send`). */
  readonly causationId?: string;
}

const ENDS: Partial<Record<string, TurnEnd>> = {
  turn_cancelled: 'cancelled',
  commit_failed: 'failed',
  commit_succeeded: 'committed',
};

/**
 * A turn's own events besides its commit: `turn_final` and outcomes without a commit
 * (`commit_failed`, `turn_cancelled`) as one durable append each, and its telemetry
 * (`model_status`, `chat_token`). An ended turn (cancelled, failed, committed) refuses more
 * durable events (409) and drops telemetry, decided in the same synchronous section as the
 * append, so nothing of a turn follows its end on the spine. Turns this node does not know
 * (recovery after a restart) are not checked.
 */
export class TurnEvents {
  constructor(
    private readonly deps: {
      readonly append: AppendContext;
      readonly bus: EventBus;
      readonly ledger: TurnLedger;
      readonly records: TurnRecords;
    },
  ) {}

  append(
    turn: TurnRef,
    actor: Actor,
    events: ReadonlyArray<{ type: EventType; payload: object }>,
  ): Promise<Result<{ cursor: string; seq: number }>> {
    const partition = partitionId(turn.scope);
    const { ledger, records } = this.deps;
    const end = events.map((e) => ENDS[e.type]).find((x) => x !== undefined);
    const ended = () => {
      const known = ledger.get(partition, turn.turnId);
      return known?.ended
        ? fail('conflict', `turn '${turn.turnId}' already ended (${known.ended})`, {
            turn_id: turn.turnId,
            ended: known.ended,
          })
        : null;
    };
    return appendDurableEvents(this.deps.append, turn.scope, actor, events, {
      turnId: turn.turnId,
      ...(turn.sessionId !== undefined ? { sessionId: turn.sessionId } : {}),
      ...(turn.causationId !== undefined ? { causationId: turn.causationId } : {}),
      inTurn: async (head) => {
        const known = ledger.get(partition, turn.turnId);
        if (
          known &&
          known.ended === null &&
          (await turnCancelledAfter(this.deps.append.spine, partition, known.info, head))
        ) {
          ledger.end(partition, turn.turnId, 'cancelled');
        }
        return ended() ?? ok(undefined);
      },
      check: () => ended() ?? ok(undefined),
      appended: () => {
        if (end === undefined) return;
        ledger.end(partition, turn.turnId, end);
        records.remove(partition, turn.turnId);
      },
    });
  }

  /** Publishes a telemetry event of an open turn; false (nothing sent) once it ended. */
  telemetry(turn: TurnRef, actor: Actor, type: EventType, payload: object): boolean {
    const partition = partitionId(turn.scope);
    if (this.deps.ledger.get(partition, turn.turnId)?.ended) return false;
    const envelope = buildEnvelope(type, payload, {
      scope: turn.scope,
      actor,
      durable: false,
      now: this.deps.append.now(),
      turnId: turn.turnId,
      ...(turn.sessionId !== undefined ? { sessionId: turn.sessionId } : {}),
    });
    this.deps.bus.publish([{ partition, seq: null, canvasId: turn.scope.canvas_id ?? null, type, envelope }]);
    return true;
  }
}
