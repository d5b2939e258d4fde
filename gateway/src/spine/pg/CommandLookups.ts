import type { PartitionId, StoredOutcome } from '../../core/spine/EventSpine.ts';
import { decodeOutcomeRow } from '../../core/spine/storedRows.ts';
import { type Deferred, deferred } from '../WriteQueue.ts';

/** Runs one lookup round: the stored rows (command_id, cursor, revision) among `ids`. */
export type LookupQuery = (partition: PartitionId, ids: readonly string[]) => Promise<unknown[][]>;

interface Round {
  readonly waiting: Map<string, Deferred<StoredOutcome | null>>;
}

/**
 * `lookupCommand` in rounds: every lookup of a partition asked in the same microtask turn (a
 * write turn looks up all its commands at once) goes to PostgreSQL as one
 * `command_id = ANY($2)` query. `onResult` hears every answer (absent = null) as the round
 * settles, with the partition's write turn that was open when the query was sent.
 */
export class CommandLookups<TTurn> {
  private readonly rounds = new Map<PartitionId, Round>();

  constructor(
    private readonly query: LookupQuery,
    private readonly openTurn: (partition: PartitionId) => TTurn | undefined,
    private readonly onResult: (
      partition: PartitionId,
      commandId: string,
      outcome: StoredOutcome | null,
      turn: TTurn | undefined,
    ) => void,
  ) {}

  lookup(partition: PartitionId, commandId: string): Promise<StoredOutcome | null> {
    let round = this.rounds.get(partition);
    if (round === undefined) {
      const fresh: Round = { waiting: new Map() };
      round = fresh;
      this.rounds.set(partition, fresh);
      queueMicrotask(() => {
        this.rounds.delete(partition);
        void this.send(partition, fresh);
      });
    }
    let waiter = round.waiting.get(commandId);
    if (waiter === undefined) {
      waiter = deferred<StoredOutcome | null>();
      round.waiting.set(commandId, waiter);
    }
    return waiter.promise;
  }

  private async send(partition: PartitionId, round: Round): Promise<void> {
    // The turn holding the lock when the query starts: its answers stay true until it ends.
    const turn = this.openTurn(partition);
    let rows: unknown[][];
    try {
      rows = await this.query(partition, [...round.waiting.keys()]);
    } catch (error) {
      for (const waiter of round.waiting.values()) waiter.reject(error);
      return;
    }
    const found = new Map<string, unknown[]>();
    for (const row of rows) if (typeof row[0] === 'string') found.set(row[0], row);
    for (const [commandId, waiter] of round.waiting) {
      const row = found.get(commandId);
      if (row === undefined) {
        this.onResult(partition, commandId, null, turn);
        waiter.resolve(null);
        continue;
      }
      const decoded = decodeOutcomeRow(partition, commandId, row.slice(1));
      if (!decoded.ok) {
        waiter.reject(decoded.error);
        continue;
      }
      this.onResult(partition, commandId, decoded.value, turn);
      waiter.resolve(decoded.value);
    }
  }
}

/** A bounded map that forgets its oldest entries first. */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }
}
