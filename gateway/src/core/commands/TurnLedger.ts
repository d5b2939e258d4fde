import type { Actor, Scope } from '@easel/schemas';
import type { Principal } from '../auth/Principal.ts';
import type { PartitionId } from '../spine/EventSpine.ts';

/** How a turn ended. */
export type TurnEnd = 'committed' | 'failed' | 'cancelled';

/** A turn a `chat.send` opened on this node. */
export interface TurnInfo {
  readonly turnId: string;
  readonly sessionId: string;
  readonly partition: PartitionId;
  /** The canvas scope of the `chat.send`. */
  readonly scope: Scope & { canvas_id: string };
  /** The sender: whose lens decides the commit. */
  readonly principal: Principal;
  readonly sender: Actor;
  readonly text: string;
  readonly commandId: string;
  /** Partition seq of `turn_accepted`. */
  readonly acceptedSeq: number;
  /** SSE cursor of `turn_accepted`. */
  readonly cursor: string;
}

interface Entry {
  readonly info: TurnInfo;
  ended: TurnEnd | null;
}

/** Ended turns remembered (for 409 on a late cancel), per node. */
const ENDED_KEPT = 10_000;

/**
 * The turns of this node and their state, decided in the command path's synchronous sections:
 * `chat.send` opens a turn, its commit, `commit_failed` or `turn_cancelled` ends it, whichever is
 * appended first (an ended turn refuses the others: nothing is applied after a cancel). The
 * InteractionManager listens: `onAccepted` once `turn_accepted` is published (model work starts
 * then, never before), `onEnded` when it ended (a `turn.cancel` stops its stream at once).
 */
export class TurnLedger {
  private readonly turns = new Map<string, Entry>();
  private readonly endedOrder: string[] = [];
  private readonly acceptedListeners = new Set<(turn: TurnInfo) => void>();
  private readonly endedListeners = new Set<(turn: TurnInfo, how: TurnEnd) => void>();

  private static key(partition: PartitionId, turnId: string): string {
    return `${partition}\u0000${turnId}`;
  }

  /** Records an open turn (its `turn_accepted` was just appended). */
  open(info: TurnInfo): void {
    const key = TurnLedger.key(info.partition, info.turnId);
    if (!this.turns.has(key)) this.turns.set(key, { info, ended: null });
  }

  /** The turn, or null when this node does not know it. */
  get(partition: PartitionId, turnId: string): { info: TurnInfo; ended: TurnEnd | null } | null {
    const entry = this.turns.get(TurnLedger.key(partition, turnId));
    return entry ? { info: entry.info, ended: entry.ended } : null;
  }

  /** Marks a turn ended (first end wins) and tells the `onEnded` listeners. */
  end(partition: PartitionId, turnId: string, how: TurnEnd): void {
    const key = TurnLedger.key(partition, turnId);
    const entry = this.turns.get(key);
    if (!entry || entry.ended !== null) return;
    entry.ended = how;
    this.endedOrder.push(key);
    while (this.endedOrder.length > ENDED_KEPT) this.turns.delete(this.endedOrder.shift()!);
    for (const listener of this.endedListeners) safe(() => listener(entry.info, how));
  }

  /** Open turns (not ended). */
  openTurns(): TurnInfo[] {
    const out: TurnInfo[] = [];
    for (const entry of this.turns.values()) if (entry.ended === null) out.push(entry.info);
    return out;
  }

  /** Called by the command path once a `turn_accepted` is durable and published. */
  accepted(info: TurnInfo): void {
    for (const listener of this.acceptedListeners) safe(() => listener(info));
  }

  onAccepted(listener: (turn: TurnInfo) => void): () => void {
    this.acceptedListeners.add(listener);
    return () => this.acceptedListeners.delete(listener);
  }

  onEnded(listener: (turn: TurnInfo, how: TurnEnd) => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch {
    // A listener's failure is its own; the command path goes on.
  }
}
