import type { AppendResult, EventToAppend, PartitionId, StoredOutcome } from '../../core/spine/EventSpine.ts';
import type { SpineError } from '../../core/spine/SpineError.ts';
import type { Deferred } from '../WriteQueue.ts';

/** One `append` made inside a turn, waiting for the turn's COMMIT. */
export interface TurnAppend {
  readonly firstSeq: number;
  readonly events: readonly EventToAppend[];
  readonly commandId: string | undefined;
  readonly outcome: StoredOutcome | null;
  readonly result: AppendResult;
  readonly done: Deferred<AppendResult>;
}

/** The columns of a turn's rows, as the arrays `unnest` takes. */
export interface TurnRows {
  readonly seqs: number[];
  readonly canvasIds: Array<string | null>;
  readonly types: string[];
  readonly envelopes: string[];
}

/**
 * The state of one open write turn on this node: the partition row is locked by `head`'s
 * transaction, and appends buffer here with seqs counted on from the locked head.
 * `working`: `work` runs, appends join. `committing`: `work` settled, the rows are being
 * written; appends are refused.
 */
export class PgTurn {
  state: 'working' | 'committing' = 'working';
  /** Last seq given out (durable head + this turn's appends). */
  head: number;
  readonly appends: TurnAppend[] = [];
  /** Outcomes of this turn's appends by command id (for `lookupCommand` and duplicate checks). */
  readonly pendingCommands = new Map<string, StoredOutcome>();
  /**
   * Command ids looked up while this turn held the lock: `true` stored, `false` absent. Nothing
   * but this turn can store a command of the partition until it ends, so an absent id needs no
   * second check at commit.
   */
  readonly checked = new Map<string, boolean>();
  rows = 0;

  constructor(
    readonly partition: PartitionId,
    readonly startHead: number,
  ) {
    this.head = startHead;
  }

  /** Command ids of this turn's appends not looked up during the turn (checked at commit). */
  uncheckedCommandIds(): string[] {
    const out: string[] = [];
    for (const append of this.appends) {
      if (append.commandId !== undefined && !this.checked.has(append.commandId)) out.push(append.commandId);
    }
    return out;
  }

  /** Event rows `fromAppend` onward, as columns. */
  rowsOf(appends: readonly TurnAppend[]): TurnRows {
    const rows: TurnRows = { seqs: [], canvasIds: [], types: [], envelopes: [] };
    for (const append of appends) {
      for (let i = 0; i < append.events.length; i++) {
        const event = append.events[i] as EventToAppend;
        rows.seqs.push(append.firstSeq + i);
        rows.canvasIds.push(event.canvasId);
        rows.types.push(event.type);
        rows.envelopes.push(event.envelope);
      }
    }
    return rows;
  }

  /** The command rows as columns (command_id, cursor, revision). */
  commandRows(): { ids: string[]; cursors: string[]; revisions: number[] } {
    const out = { ids: [] as string[], cursors: [] as string[], revisions: [] as number[] };
    for (const append of this.appends) {
      if (append.commandId === undefined || append.outcome === null) continue;
      out.ids.push(append.commandId);
      out.cursors.push(append.outcome.cursor);
      out.revisions.push(append.outcome.revision);
    }
    return out;
  }

  /** Rejects every append: `byCommand` for the ones whose command id is in `ids`, `error` for the rest. */
  rejectAll(error: SpineError, byCommand?: { ids: ReadonlySet<string>; error: SpineError }): void {
    for (const append of this.appends) {
      const own = byCommand && append.commandId !== undefined && byCommand.ids.has(append.commandId);
      append.done.reject(own ? byCommand.error : error);
    }
  }
}
