import type {
  AppendRequest,
  AppendResult,
  EventSpine,
  PartitionId,
  ReadOptions,
  Snapshot,
  StoredEvent,
  StoredOutcome,
} from '../spine/EventSpine.ts';
import { LocalTurns } from '../spine/LocalTurns.ts';
import { SpineError } from '../spine/SpineError.ts';

interface Pending {
  readonly partition: PartitionId;
  readonly events: StoredEvent[];
  readonly commandId: string | undefined;
  readonly outcome: StoredOutcome | null;
  readonly resolve: (r: AppendResult) => void;
  readonly reject: (e: Error) => void;
  readonly seqs: number[];
}

interface Partition {
  head: number;
  /** Highest durable seq (events may have been compacted away). */
  durableHead: number;
  floor: number;
  events: StoredEvent[];
  commands: Map<string, StoredOutcome>;
  pendingCommands: Map<string, StoredOutcome>;
}

/**
 * An in-memory {@link EventSpine}: a second, real implementation of the interface for core
 * tests (no durability across processes). Appends become "durable" in order on a later
 * turn, all pending ones together (group commit). `failNextCommit()` makes the next group
 * fail: its appends reject with `write_failed`, nothing of them is stored and their seqs are
 * given out again. Runs the spine contract suite (`MemorySpine.test.ts`).
 */
export class MemorySpine implements EventSpine {
  readonly epoch: string;
  readonly writers = 'single' as const;
  private readonly turns = new LocalTurns(
    (partition) => this.head(partition),
    () => this.flush(),
  );
  private readonly partitions = new Map<PartitionId, Partition>();
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly records = new Map<string, string>();
  private queue: Pending[] = [];
  private scheduled = false;
  private failNext = false;
  private closed = false;
  /** Number of appends made durable. */
  durableAppends = 0;

  constructor(epoch = `mem${Math.random().toString(36).slice(2, 10).padEnd(8, '0')}`) {
    this.epoch = epoch;
  }

  private closedError(): SpineError {
    return new SpineError('closed', 'the spine is closed');
  }

  /** Makes the next group commit fail. */
  failNextCommit(): void {
    this.failNext = true;
  }

  private part(partition: PartitionId): Partition {
    let p = this.partitions.get(partition);
    if (!p) {
      p = { head: 0, durableHead: 0, floor: 1, events: [], commands: new Map(), pendingCommands: new Map() };
      this.partitions.set(partition, p);
    }
    return p;
  }

  turn<T>(partition: PartitionId, work: (head: number) => Promise<T>): Promise<T> {
    return this.turns.run(partition, work);
  }

  append(request: AppendRequest): { readonly seqs: readonly number[]; readonly durable: Promise<AppendResult> } {
    if (this.closed) return { seqs: [], durable: Promise.reject(this.closedError()) };
    const p = this.part(request.partition);
    if (
      request.commandId !== undefined &&
      (p.pendingCommands.has(request.commandId) || p.commands.has(request.commandId))
    ) {
      const error = new SpineError('duplicate_command', `command ${request.commandId} is already stored`, {
        partition: request.partition,
        commandId: request.commandId,
      });
      return { seqs: [], durable: Promise.reject(error) };
    }
    const seqs: number[] = [];
    const events: StoredEvent[] = request.events.map((e) => {
      p.head += 1;
      seqs.push(p.head);
      return { seq: p.head, partition: request.partition, canvasId: e.canvasId, type: e.type, envelope: e.envelope };
    });
    const outcome = request.outcome ? request.outcome(seqs[seqs.length - 1] ?? p.head) : null;
    if (request.commandId !== undefined && outcome) p.pendingCommands.set(request.commandId, outcome);
    let resolve!: (r: AppendResult) => void;
    let reject!: (e: Error) => void;
    const durable = new Promise<AppendResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.queue.push({
      partition: request.partition,
      events,
      commandId: request.commandId,
      outcome,
      resolve,
      reject,
      seqs,
    });
    this.schedule();
    return { seqs, durable };
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.commit());
  }

  private commit(): void {
    this.scheduled = false;
    const group = this.queue;
    this.queue = [];
    const failing = this.failNext;
    this.failNext = false;
    for (const item of group) {
      const p = this.part(item.partition);
      if (item.commandId !== undefined) p.pendingCommands.delete(item.commandId);
      if (failing) {
        // Nothing of the group is stored; its seqs are given out again.
        p.head = p.events.length > 0 ? p.events[p.events.length - 1]!.seq : Math.max(p.floor - 1, p.durableHead);
        item.reject(new SpineError('write_failed', 'MemorySpine: injected commit failure'));
        continue;
      }
      p.durableHead = Math.max(p.durableHead, item.seqs[item.seqs.length - 1] ?? 0);
      p.events.push(...item.events);
      if (item.commandId !== undefined && item.outcome) p.commands.set(item.commandId, item.outcome);
      this.durableAppends += 1;
      item.resolve({ seqs: item.seqs, outcome: item.outcome });
    }
  }

  async read(partition: PartitionId, afterSeq: number, options: ReadOptions = {}): Promise<StoredEvent[]> {
    if (this.closed) throw this.closedError();
    const limit = options.limit ?? 1000;
    const out: StoredEvent[] = [];
    for (const e of this.part(partition).events) {
      if (e.seq <= afterSeq) continue;
      if (options.canvasId !== undefined && e.canvasId !== options.canvasId) {
        if (!(options.projectWide === true && e.canvasId === null)) continue;
      }
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  async head(partition: PartitionId): Promise<number> {
    if (this.closed) throw this.closedError();
    return this.part(partition).head;
  }

  /** The highest durable seq (`head` counts pending appends too). */
  async durableHead(partition: PartitionId): Promise<number> {
    if (this.closed) throw this.closedError();
    return this.part(partition).durableHead;
  }

  async floor(partition: PartitionId): Promise<number> {
    if (this.closed) throw this.closedError();
    return this.part(partition).floor;
  }

  async lookupCommand(partition: PartitionId, commandId: string): Promise<StoredOutcome | null> {
    if (this.closed) throw this.closedError();
    const p = this.part(partition);
    return p.pendingCommands.get(commandId) ?? p.commands.get(commandId) ?? null;
  }

  async saveSnapshot(partition: PartitionId, snapshot: Snapshot): Promise<void> {
    if (this.closed) throw this.closedError();
    const key = `${partition}\u0000${snapshot.canvasId}`;
    const current = this.snapshots.get(key);
    // The highest seq wins; a tie goes to the later save.
    if (current && current.seq > snapshot.seq) return;
    this.snapshots.set(key, { ...snapshot, state: snapshot.state.slice() });
  }

  async loadSnapshot(partition: PartitionId, canvasId: string): Promise<Snapshot | null> {
    if (this.closed) throw this.closedError();
    const s = this.snapshots.get(`${partition}\u0000${canvasId}`);
    return s ? { ...s, state: s.state.slice() } : null;
  }

  async compact(partition: PartitionId, beforeSeq: number): Promise<number> {
    if (this.closed) throw this.closedError();
    const p = this.part(partition);
    const before = p.events.length;
    p.events = p.events.filter((e) => e.seq >= beforeSeq);
    p.floor = Math.max(p.floor, Math.min(beforeSeq, p.durableHead + 1));
    return before - p.events.length;
  }

  async getRecord(kind: string, key: string): Promise<string | null> {
    if (this.closed) throw this.closedError();
    return this.records.get(`${kind}\u0000${key}`) ?? null;
  }

  async putRecord(kind: string, key: string, value: string): Promise<void> {
    if (this.closed) throw this.closedError();
    this.records.set(`${kind}\u0000${key}`, value);
  }

  async putRecordIf(kind: string, key: string, value: string, expected: string | null): Promise<boolean> {
    if (this.closed) throw this.closedError();
    const k = `${kind}\u0000${key}`;
    if ((this.records.get(k) ?? null) !== expected) return false;
    this.records.set(k, value);
    return true;
  }

  async listRecords(kind: string, keyPrefix: string): Promise<Array<{ key: string; value: string }>> {
    if (this.closed) throw this.closedError();
    const prefix = `${kind}\u0000${keyPrefix}`;
    return [...this.records.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, value]) => ({ key: k.slice(kind.length + 1), value }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async flush(): Promise<void> {
    if (this.queue.length === 0) return;
    const last = this.queue[this.queue.length - 1]!;
    await new Promise<void>((resolve) => {
      const origResolve = last.resolve;
      const origReject = last.reject;
      Object.assign(last, {
        resolve: (r: AppendResult) => {
          origResolve(r);
          resolve();
        },
        reject: (e: Error) => {
          origReject(e);
          resolve();
        },
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
  }
}
