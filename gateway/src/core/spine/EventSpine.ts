/**
 * The event spine: the durable, ordered log of every durable event, per partition
 * `(tenant_id, project_id)`. Two implementations run the same contract suite
 * (`spineContract.ts`): SQLite (embedded default) and PostgreSQL (scale-out).
 *
 * Ordering: within a partition, `append` calls are sequenced in call order; the spine
 * assigns gap-free sequence numbers starting at 1. An append's promise resolves only
 * once its rows are durable (group commit: many appends share one fsync).
 */

/** `${tenant_id}/${project_id}`: both are slugs, so `/` never occurs inside them. */
export type PartitionId = string;

/** One event to append. `envelope` is the event envelope's JSON text (contract §4). */
export interface EventToAppend {
  readonly type: string;
  readonly canvasId: string | null;
  readonly envelope: string;
}

/** What a command stored for idempotency: replayed verbatim for a repeated command_id. */
export interface StoredOutcome {
  readonly cursor: string;
  readonly revision: number;
}

export interface AppendRequest {
  readonly partition: PartitionId;
  readonly events: readonly EventToAppend[];
  /** When set, the outcome is stored under this key in the same transaction. */
  readonly commandId?: string;
  /**
   * Builds the outcome once sequence numbers are known (the cursor of the last event).
   * Called synchronously inside `append`, before the returned promise settles.
   */
  readonly outcome?: (lastSeq: number) => StoredOutcome;
}

export interface AppendResult {
  /** Sequence numbers of the appended events, in order. */
  readonly seqs: readonly number[];
  readonly outcome: StoredOutcome | null;
}

export interface StoredEvent {
  readonly seq: number;
  readonly partition: PartitionId;
  readonly canvasId: string | null;
  readonly type: string;
  readonly envelope: string;
}

export interface ReadOptions {
  /** Only events of this canvas (plus none of the others). */
  readonly canvasId?: string;
  /**
   * With `canvasId`: also the partition's events of no canvas (`canvasId` null: project-wide,
   * e.g. a job without a canvas and its `error` / `job_completed`), interleaved in seq order;
   * `limit` counts both. This is what a canvas stream receives live, so its replay reads it too.
   * Without `canvasId` every event is read anyway.
   */
  readonly projectWide?: boolean;
  /** At most this many events (default 1000). */
  readonly limit?: number;
}

export interface Snapshot {
  readonly canvasId: string;
  /** The partition sequence number the snapshot includes events up to. */
  readonly seq: number;
  readonly revision: number;
  /** Yjs state as an update (Y.encodeStateAsUpdate). */
  readonly state: Uint8Array;
  /** Anything else the canvas needs to rebuild (tokens, type, commit history): JSON text. */
  readonly meta: string;
}

/**
 * Who appends to a log. `single`: one process (SQLite, memory): `append` may be called
 * anywhere. `shared`: several gateway nodes (PostgreSQL): `append` for a partition only while
 * this node holds its write turn (`turn`).
 */
export type SpineWriters = 'single' | 'shared';

export interface EventSpine {
  readonly writers: SpineWriters;

  /**
   * Runs `work` holding the partition's write turn: from the start of `work` until the turn's
   * appends are durable, no other writer (on this node or another) appends to the partition.
   * `head` is the partition's head when the turn starts; every event up to it is readable.
   * Appends to the partition made while `work` runs join the turn (group commit) and are
   * committed together once `work` settles. If `work` rejects, the turn's appends are rolled
   * back (their `durable` promises reject, nothing is stored) and `turn` rejects with its reason.
   * Resolves with `work`'s value once the turn's appends are durable.
   */
  turn<T>(partition: PartitionId, work: (head: number) => Promise<T>): Promise<T>;

  /**
   * Random id fixed when the log is created. A cursor from another epoch (a wiped or
   * replaced log) is detected and answered with a reset.
   */
  readonly epoch: string;

  /**
   * Appends events (and the command's outcome) atomically. Sequence numbers are assigned
   * synchronously in call order per partition; the promise resolves once durable and
   * rejects (with nothing stored) if the write fails.
   */
  append(request: AppendRequest): { readonly seqs: readonly number[]; readonly durable: Promise<AppendResult> };

  /** Events with seq > afterSeq, ascending, durable only. */
  read(partition: PartitionId, afterSeq: number, options?: ReadOptions): Promise<StoredEvent[]>;

  /** The last durable-or-pending sequence number of the partition (0 when empty). */
  head(partition: PartitionId): Promise<number>;

  /** The lowest seq still readable (events below were compacted); 1 when nothing was. */
  floor(partition: PartitionId): Promise<number>;

  /** The outcome stored under a command id, or null. Sees pending appends too. */
  lookupCommand(partition: PartitionId, commandId: string): Promise<StoredOutcome | null>;

  saveSnapshot(partition: PartitionId, snapshot: Snapshot): Promise<void>;
  loadSnapshot(partition: PartitionId, canvasId: string): Promise<Snapshot | null>;

  /** Deletes events with seq < beforeSeq (callers keep snapshots covering them). */
  compact(partition: PartitionId, beforeSeq: number): Promise<number>;

  /** Small durable records: canvas types, lens policies, canvas directory. */
  getRecord(kind: string, key: string): Promise<string | null>;
  putRecord(kind: string, key: string, value: string): Promise<void>;
  /**
   * Compare-and-set: stores `value` only if the record's current value is exactly `expected`
   * (`null`: only if there is no record). Atomic against every other writer, on this node or
   * another: of callers racing with the same `expected`, exactly one gets `true`. Resolves `false`
   * (nothing written) when the current value differs; rejects only when the write fails.
   */
  putRecordIf(kind: string, key: string, value: string, expected: string | null): Promise<boolean>;
  listRecords(kind: string, keyPrefix: string): Promise<Array<{ key: string; value: string }>>;

  /** Resolves once everything appended so far is durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
