import { type CommandOf, type CommandOutcome, encodeCursor } from '@easel/schemas';
import type pino from 'pino';
import type { Principal } from '../auth/Principal.ts';
import type { CanvasDoc } from '../canvas/CanvasDoc.ts';
import { fail, ok, type Result } from '../errors/GatewayError.ts';
import type { EventSpine, PartitionId } from '../spine/EventSpine.ts';
import { cleanScope } from './buildEnvelope.ts';
import type { EffectsResult } from './commandEffects.ts';
import type { TurnInfo, TurnLedger } from './TurnLedger.ts';
import type { OpenTurnEntry, TurnRecords } from './TurnRecords.ts';
import { storedCommandEvent } from './storedCommandEvent.ts';
import { legacyTurnCommitCommandId, sessionIdFor, turnCommitCommandId, turnIdFor } from './turnIds.ts';

/** The two turn commands of contract §5. */
export type TurnCommand = CommandOf<'chat.send'> | CommandOf<'turn.cancel'>;

export function isTurnCommand(cmd: { type: string }): cmd is TurnCommand {
  return cmd.type === 'chat.send' || cmd.type === 'turn.cancel';
}

/** The outcome of a turn command with its `turn_id` (extension; deterministic, so duplicates match). */
export function withTurnId(cmd: { type: string; command_id: string; payload: unknown }, partition: PartitionId) {
  if (cmd.type === 'chat.send') {
    const turnId = turnIdFor(partition, cmd.command_id);
    return (o: CommandOutcome): CommandOutcome => ({ ...o, turn_id: turnId });
  }
  if (cmd.type === 'turn.cancel') {
    const turnId = (cmd.payload as { turn_id: string }).turn_id;
    return (o: CommandOutcome): CommandOutcome => ({ ...o, turn_id: turnId });
  }
  return null;
}

/**
 * `chat.send` and `turn.cancel` in the command path. `chat.send` appends `turn_accepted` (its
 * only event: the turn's ACK, durable before the HTTP answer and before any model work), opens
 * the turn in the {@link TurnLedger} and, once published, tells its listeners (the
 * InteractionManager starts the model then). `turn.cancel` appends `turn_cancelled` (reason
 * `cancelled`) unless the turn already ended (409), and ends it: its commit is refused from then
 * on and the session stops streaming. Neither changes the canvas revision.
 */
export class TurnCommands {
  constructor(
    private readonly deps: {
      readonly spine: EventSpine;
      readonly ledger: TurnLedger;
      readonly records: TurnRecords;
      readonly logger?: pino.Logger;
    },
  ) {}

  private entry(cmd: CommandOf<'chat.send'>, partition: PartitionId, canvas: CanvasDoc, p: Principal): OpenTurnEntry {
    return {
      partition,
      turn_id: turnIdFor(partition, cmd.command_id),
      session_id: sessionIdFor(partition, canvas.canvasId, p.actorId),
      scope: cleanScope(cmd.scope) as OpenTurnEntry['scope'],
      sender: { id: p.actorId, kind: p.kind },
      after_seq: canvas.lastSeq,
    };
  }

  /**
   * The asynchronous part, shared spines only (single-writer spines do it all synchronously):
   * `chat.send` records the turn as open before its append; `turn.cancel` of a turn another
   * node runs is refused when that turn's commit is stored already.
   */
  async prepare(cmd: TurnCommand, partition: PartitionId, canvas: CanvasDoc, p: Principal): Promise<Result<void>> {
    if (this.deps.spine.writers === 'single') return ok(undefined);
    if (cmd.type === 'chat.send') {
      await this.deps.records.add(this.entry(cmd, partition, canvas, p));
      return ok(undefined);
    }
    const turnId = cmd.payload.turn_id;
    if (this.deps.ledger.get(partition, turnId) === null) {
      const committed = await this.commitStored(partition, turnId);
      if (committed) return fail('conflict', `turn '${turnId}' already ended (committed)`, { turn_id: turnId });
    }
    return ok(undefined);
  }

  /**
   * Whether the turn's commit is stored: under its key, or under the key earlier versions used
   * (then only when the append there is this turn's `commit_succeeded`, not a client command
   * that took the same id).
   */
  private async commitStored(partition: PartitionId, turnId: string): Promise<boolean> {
    const { spine } = this.deps;
    if (await spine.lookupCommand(partition, turnCommitCommandId(turnId))) return true;
    const legacy = await spine.lookupCommand(partition, legacyTurnCommitCommandId(turnId));
    if (!legacy) return false;
    const event = await storedCommandEvent(spine, partition, legacy);
    return event?.type === 'commit_succeeded' && event.envelope.payload?.turn_id === turnId;
  }

  /** The synchronous part (events and what to do once appended). */
  effects(cmd: TurnCommand, canvas: CanvasDoc, p: Principal, partition: PartitionId): EffectsResult {
    return cmd.type === 'chat.send' ? this.send(cmd, canvas, p, partition) : this.cancel(cmd, canvas, partition);
  }

  private send(cmd: CommandOf<'chat.send'>, canvas: CanvasDoc, p: Principal, partition: PartitionId): EffectsResult {
    const entry = this.entry(cmd, partition, canvas, p);
    const { ledger, records } = this.deps;
    let info: TurnInfo | null = null;
    return {
      ok: true,
      value: {
        events: [{ type: 'turn_accepted', payload: { turn_id: entry.turn_id, text: cmd.payload.text } }],
        revision: canvas.revision,
        envelope: { turnId: entry.turn_id, sessionId: entry.session_id },
        beforeAppend: () => {
          // Same write queue, ahead of the append: durable no later than turn_accepted.
          if (this.deps.spine.writers === 'single') {
            records.add(entry).catch((err: unknown) => this.deps.logger?.warn({ err }, 'open-turn record failed'));
          }
        },
        finish: (lastSeq) => {
          info = {
            turnId: entry.turn_id,
            sessionId: entry.session_id,
            partition,
            scope: entry.scope,
            principal: p,
            sender: entry.sender,
            text: cmd.payload.text,
            commandId: cmd.command_id,
            acceptedSeq: lastSeq,
            cursor: encodeCursor({ epoch: this.deps.spine.epoch, seq: lastSeq }),
          };
          ledger.open(info);
        },
        published: () => {
          if (info !== null) ledger.accepted(info);
        },
        docChanged: false,
      },
    };
  }

  private cancel(cmd: CommandOf<'turn.cancel'>, canvas: CanvasDoc, partition: PartitionId): EffectsResult {
    const turnId = cmd.payload.turn_id;
    const known = this.deps.ledger.get(partition, turnId);
    if (known !== null && known.info.scope.canvas_id !== canvas.canvasId) {
      return fail('not_found', `turn '${turnId}' is not a turn of canvas '${canvas.canvasId}'`, { turn_id: turnId });
    }
    if (known?.ended) {
      return fail('conflict', `turn '${turnId}' already ended (${known.ended})`, {
        turn_id: turnId,
        ended: known.ended,
      });
    }
    if (known === null && this.deps.spine.writers === 'single') {
      return fail('not_found', `turn '${turnId}' is not running on canvas '${canvas.canvasId}'`, { turn_id: turnId });
    }
    const { ledger, records } = this.deps;
    return {
      ok: true,
      value: {
        events: [{ type: 'turn_cancelled', payload: { turn_id: turnId, reason: 'cancelled' } }],
        revision: canvas.revision,
        envelope: { turnId, ...(known ? { sessionId: known.info.sessionId } : {}) },
        finish: () => {
          ledger.end(partition, turnId, 'cancelled');
          records.remove(partition, turnId);
        },
        docChanged: false,
      },
    };
  }
}
