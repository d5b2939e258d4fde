import type { Actor, Scope } from '@easel/schemas';
import type pino from 'pino';
import type { EventSpine, PartitionId } from '../spine/EventSpine.ts';

/** Record kind of the open-turn lists (`putRecord('turns-open', <node>, json)`). */
export const TURN_RECORD_KIND = 'turns-open';

/** A turn that may be open: recovery checks its events from `after_seq` on. */
export interface OpenTurnEntry {
  readonly partition: PartitionId;
  readonly turn_id: string;
  readonly session_id: string;
  readonly scope: Scope & { canvas_id: string };
  readonly sender: Actor;
  /** Every event of the turn has a partition seq above this. */
  readonly after_seq: number;
}

interface ListValue {
  node: string;
  lease_until: number;
  turns: OpenTurnEntry[];
}

/** Options of {@link TurnRecords}. */
export interface TurnRecordsOptions {
  /** Lease of a shared-spine node's list, ms: another node recovers it after it ran out. Default 30000. */
  leaseMs?: number;
  now?: () => number;
  logger?: pino.Logger;
}

/**
 * The durable list of turns this node may have open (for recovery after `kill -9`: a turn
 * with `turn_accepted` and no outcome ends `turn_cancelled` `interrupted`). A `chat.send` adds
 * its turn before `turn_accepted` is appended: on a single-writer spine by writing the list in
 * the same write queue right before the append (so it is durable no later than the event), on a
 * shared spine by awaiting the write first. Ended turns are removed lazily (a stale entry costs
 * recovery one read). Single-writer spines keep one list (`single`); shared spines one per
 * node, with a lease renewed while it holds turns.
 */
export class TurnRecords {
  private readonly entries = new Map<string, OpenTurnEntry>();
  private readonly key: string;
  private readonly leaseMs: number;
  private readonly now: () => number;
  private chain: Promise<void> = Promise.resolve();
  private renewal: NodeJS.Timeout | null = null;

  constructor(
    private readonly spine: EventSpine,
    nodeId: string,
    private readonly options: TurnRecordsOptions = {},
  ) {
    this.key = spine.writers === 'single' ? 'single' : nodeId;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Adds a turn and writes the list. Single-writer spines: call it synchronously right before
   * the append (the write is queued first). Shared: await it before appending.
   */
  add(entry: OpenTurnEntry): Promise<void> {
    this.entries.set(`${entry.partition}\u0000${entry.turn_id}`, entry);
    if (this.spine.writers === 'shared' && this.renewal === null) {
      this.renewal = setInterval(() => void this.write().catch(() => {}), Math.max(1000, Math.floor(this.leaseMs / 3)));
      this.renewal.unref();
    }
    return this.write();
  }

  /** Forgets a turn (ended); the list is rewritten in the background. */
  remove(partition: PartitionId, turnId: string): void {
    if (!this.entries.delete(`${partition}\u0000${turnId}`)) return;
    if (this.entries.size === 0 && this.renewal !== null) {
      clearInterval(this.renewal);
      this.renewal = null;
    }
    this.write().catch((err: unknown) => this.options.logger?.warn({ err }, 'rewriting the open-turn list failed'));
  }

  /**
   * Lists left behind by a stopped node: on a single-writer spine this node's own (it just
   * started), on a shared one every other node's whose lease ran out. Call before this node
   * opens turns. Each comes with `clear()`, to call once its turns are settled.
   */
  async leftBehind(): Promise<Array<{ turns: OpenTurnEntry[]; clear: () => Promise<void> }>> {
    const rows = await this.spine.listRecords(TURN_RECORD_KIND, '');
    const out: Array<{ turns: OpenTurnEntry[]; clear: () => Promise<void> }> = [];
    for (const { key, value } of rows) {
      let parsed: ListValue;
      try {
        parsed = JSON.parse(value) as ListValue;
      } catch {
        continue;
      }
      if (!Array.isArray(parsed.turns) || parsed.turns.length === 0) continue;
      const mine = key === this.key;
      const expired = typeof parsed.lease_until === 'number' && parsed.lease_until < this.now();
      if (this.spine.writers === 'single' ? !mine : mine || !expired) continue;
      out.push({
        turns: parsed.turns,
        // This node's own list (single writer) is rewritten with what it holds now.
        clear: mine
          ? () => this.write()
          : () => this.spine.putRecord(TURN_RECORD_KIND, key, JSON.stringify({ ...parsed, turns: [] })),
      });
    }
    return out;
  }

  close(): void {
    if (this.renewal !== null) clearInterval(this.renewal);
    this.renewal = null;
  }

  private write(): Promise<void> {
    const value: ListValue = {
      node: this.key,
      lease_until: this.now() + this.leaseMs,
      turns: [...this.entries.values()],
    };
    const text = JSON.stringify(value);
    if (this.spine.writers === 'single') return this.spine.putRecord(TURN_RECORD_KIND, this.key, text);
    // Shared: writes of one node must not overtake each other (the last one is the truth).
    const next = this.chain.then(() => this.spine.putRecord(TURN_RECORD_KIND, this.key, text));
    this.chain = next.catch(() => {});
    return next;
  }
}
