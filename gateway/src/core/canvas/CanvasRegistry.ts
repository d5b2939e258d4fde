import type pino from 'pino';
import type { EventSpine, PartitionId } from '../spine/EventSpine.ts';
import { CanvasDoc, CanvasRebuildError, readCanvasCreated } from './CanvasDoc.ts';
import { LiveCanvases } from './LiveCanvases.ts';

/** Record kind of the canvas directory (`putRecord('canvas', '<partition>/<canvas_id>', json)`). */
export const CANVAS_RECORD_KIND = 'canvas';

/**
 * Runs on every canvas this registry loads, before anyone else sees it (never throws). `convert`:
 * false when an earlier run on this load failed and the canvas was rebuilt (adopt settings only).
 * A run that leaves the canvas poisoned makes the load rebuild it once more from the spine.
 */
export type CanvasLoadHook = (canvas: CanvasDoc, convert: boolean) => Promise<void>;

/** Options of {@link CanvasRegistry}. */
export interface CanvasRegistryOptions {
  /** Unload a canvas after this long without use. Default 300 000 ms (5 min). */
  idleMs?: number;
  /** Snapshot a canvas every N applied mutations. Default 500. */
  snapshotEvery?: number;
  /** Events read per page while replaying a canvas's tail. Default 1000. */
  pageSize?: number;
  now?: () => number;
  logger?: pino.Logger;
}

/**
 * The live canvases of this node. A canvas is loaded lazily from its latest snapshot plus the
 * tail of its durable events (never from anything else), snapshotted every N mutations and on
 * unload, and unloaded after idling.
 *
 * Existence: a canvas exists iff its `canvas_created` event is durable (or a snapshot covers
 * it). The directory record is written only after that event is durable and repaired on load,
 * so after kill -9 between the two the canvas still exists (the events are the truth).
 */
export class CanvasRegistry {
  private readonly live = new LiveCanvases<CanvasDoc>();
  private readonly loading = new Map<string, Promise<CanvasDoc | null>>();
  /** Per canvas: the chain of snapshot writes (never two at once, never an older over a newer). */
  private readonly snapshotChains = new Map<string, Promise<void>>();
  private readonly savedSeq = new Map<string, number>();
  /**
   * Appends still pending for instances that left the registry (discarded, unloaded): a new
   * load of the canvas waits for them, so it reads everything they appended.
   */
  private readonly departed = new Map<string, Promise<void>>();
  private readonly idleMs: number;
  private readonly snapshotEvery: number;
  private readonly pageSize: number;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;
  private loadHook: CanvasLoadHook | null = null;

  constructor(
    private readonly spine: EventSpine,
    private readonly options: CanvasRegistryOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 300_000;
    this.snapshotEvery = options.snapshotEvery ?? 500;
    this.pageSize = options.pageSize ?? 1000;
    this.now = options.now ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(30_000, Math.floor(this.idleMs / 4))));
    this.sweeper.unref();
  }

  private static key(partition: PartitionId, canvasId: string): string {
    return `${partition}/${canvasId}`;
  }

  /** Sets the hook run on each loaded canvas (see {@link CanvasLoadHook}); null removes it. */
  setLoadHook(hook: CanvasLoadHook | null): void {
    this.loadHook = hook;
  }

  /** The loaded canvases of a partition (a copy; no load). */
  loadedIn(partition: PartitionId): CanvasDoc[] {
    return this.live.inPartition(partition);
  }

  /** The distinct partition and canvas type pairs of the loaded canvases (no load). */
  loadedTypes(): Array<{ partition: PartitionId; type: string }> {
    const seen = new Map<string, { partition: PartitionId; type: string }>();
    for (const canvas of this.live.all()) {
      const key = `${canvas.partition}/${canvas.canvasType}`;
      if (!seen.has(key)) seen.set(key, { partition: canvas.partition, type: canvas.canvasType });
    }
    return [...seen.values()];
  }

  /** Number of loaded canvases. */
  get size(): number {
    return this.live.size;
  }

  /** The loaded canvas, if any (no load). */
  peek(partition: PartitionId, canvasId: string): CanvasDoc | undefined {
    return this.live.get(CanvasRegistry.key(partition, canvasId));
  }

  /**
   * The live canvas, loading it when needed; null when it does not exist. Rejects with
   * {@link CanvasRebuildError} (or a spine error) when its history cannot be read.
   */
  async get(partition: PartitionId, canvasId: string): Promise<CanvasDoc | null> {
    const key = CanvasRegistry.key(partition, canvasId);
    const live = this.live.get(key);
    if (live) {
      live.lastUsed = this.now();
      return live;
    }
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(partition, canvasId).then(
        (loaded) => {
          if (this.loading.get(key) === pending) this.loading.delete(key);
          const current = this.live.get(key);
          if (current) return current;
          if (loaded && !this.closed) {
            loaded.lastUsed = this.now();
            this.live.set(key, loaded);
          }
          return loaded;
        },
        (err: unknown) => {
          if (this.loading.get(key) === pending) this.loading.delete(key);
          throw err;
        },
      );
      this.loading.set(key, pending);
    }
    return pending;
  }

  /** Adds a canvas created in memory; false when one with that id is loaded already. */
  install(canvas: CanvasDoc): boolean {
    const key = CanvasRegistry.key(canvas.partition, canvas.canvasId);
    if (this.live.has(key)) return false;
    canvas.lastUsed = this.now();
    this.live.set(key, canvas);
    return true;
  }

  /**
   * Drops a canvas whose memory may hold changes that will never be durable (failed append,
   * refused update that Yjs half-applied). The next `get` rebuilds it from the spine.
   */
  discard(canvas: CanvasDoc): void {
    canvas.poisoned = true;
    canvas.disposed = true;
    const key = CanvasRegistry.key(canvas.partition, canvas.canvasId);
    this.live.deleteIf(key, canvas);
    this.noteDeparture(key, canvas);
  }

  private noteDeparture(key: string, canvas: CanvasDoc): void {
    const settled = canvas.appendChain.catch(() => {});
    this.departed.set(key, settled);
    void settled.then(() => {
      if (this.departed.get(key) === settled) this.departed.delete(key);
    });
  }

  /** Counts a mutation; snapshots in the background every `snapshotEvery`. */
  noteMutation(canvas: CanvasDoc): void {
    canvas.mutationsSinceSnapshot += 1;
    if (canvas.mutationsSinceSnapshot >= this.snapshotEvery) {
      canvas.mutationsSinceSnapshot = 0;
      void this.saveSnapshot(canvas);
    }
  }

  /** Writes the canvas's current state as its snapshot once everything it reflects is durable. */
  saveSnapshot(canvas: CanvasDoc): Promise<void> {
    const snapshot = canvas.snapshot();
    const waitFor = canvas.appendChain;
    const key = CanvasRegistry.key(canvas.partition, canvas.canvasId);
    const previous = this.snapshotChains.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        await waitFor;
      } catch {
        return; // an append it reflects failed: this state is not the durable truth
      }
      if (canvas.poisoned || snapshot.seq <= (this.savedSeq.get(key) ?? 0)) return;
      try {
        await this.spine.saveSnapshot(canvas.partition, snapshot);
        this.savedSeq.set(key, snapshot.seq);
      } catch (err) {
        this.options.logger?.warn({ err, canvas: key }, 'canvas snapshot failed');
      }
    });
    this.snapshotChains.set(key, next);
    void next.finally(() => {
      if (this.snapshotChains.get(key) === next) this.snapshotChains.delete(key);
    });
    return next;
  }

  /** Unloads a canvas (snapshot first when it changed since the last one). */
  unload(canvas: CanvasDoc): Promise<void> {
    const key = CanvasRegistry.key(canvas.partition, canvas.canvasId);
    this.live.deleteIf(key, canvas);
    canvas.disposed = true;
    this.noteDeparture(key, canvas);
    if (canvas.poisoned) return Promise.resolve();
    return this.saveSnapshot(canvas);
  }

  /** Unloads canvases idle for longer than `idleMs`. */
  sweep(): void {
    const cutoff = this.now() - this.idleMs;
    for (const canvas of this.live.all()) if (canvas.lastUsed <= cutoff) void this.unload(canvas);
  }

  /** Snapshots every loaded canvas and stops the sweeper. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    await Promise.all(this.live.all().map((c) => this.unload(c)));
    await Promise.all([...this.snapshotChains.values()]);
  }

  /** Directory record of a canvas, written once its creation is durable. */
  async writeDirectoryRecord(canvas: CanvasDoc, createdAt: string): Promise<void> {
    const value = JSON.stringify({
      canvas_id: canvas.canvasId,
      canvas_type: canvas.canvasType,
      title: canvas.title,
      created_at: createdAt,
    });
    await this.spine.putRecord(CANVAS_RECORD_KIND, CanvasRegistry.key(canvas.partition, canvas.canvasId), value);
  }

  /**
   * Shared spines: brings every loaded canvas of the partition up to `head` (events of other
   * nodes, in partition order). Called at the start of a write turn, where `head` is final.
   * Idempotent: an event at or below a canvas's `lastSeq` is skipped.
   */
  async catchUpPartition(partition: PartitionId, head: number): Promise<void> {
    const loaded = this.live.inPartition(partition);
    if (loaded.length === 0) return;
    let after = head;
    for (const canvas of loaded) after = Math.min(after, canvas.syncedSeq);
    // Bounded: each page advances `after` towards `head`.
    while (after < head) {
      const page = await this.spine.read(partition, after, { limit: this.pageSize });
      for (const event of page) {
        if (event.seq > head) break;
        if (event.canvasId === null) continue;
        const canvas = this.live.get(CanvasRegistry.key(partition, event.canvasId));
        if (canvas !== undefined && event.seq > canvas.lastSeq) canvas.replay(event);
      }
      if (page.length < this.pageSize) break;
      after = page[page.length - 1]!.seq;
    }
    for (const canvas of loaded) if (!canvas.disposed) canvas.syncedSeq = Math.max(canvas.syncedSeq, head);
  }

  /**
   * Shared spines: the loaded (or freshly loaded) canvas brought up to the partition's durable
   * head, for reads on a node that may not have written it. Single-writer spines: `get`.
   */
  async getCurrent(partition: PartitionId, canvasId: string): Promise<CanvasDoc | null> {
    const canvas = await this.get(partition, canvasId);
    if (canvas === null || this.spine.writers === 'single') return canvas;
    await this.catchUp(canvas, await this.spine.head(partition));
    return canvas;
  }

  /**
   * Shared spines: replays the canvas's events after its `syncedSeq` up to `head` (events of
   * other nodes), loaded or not. Idempotent.
   */
  async catchUp(canvas: CanvasDoc, head: number): Promise<void> {
    let after = canvas.syncedSeq;
    // Bounded: each page advances `after` towards `head`.
    while (after < head) {
      const page = await this.spine.read(canvas.partition, after, { canvasId: canvas.canvasId, limit: this.pageSize });
      for (const event of page) if (event.seq <= head && event.seq > canvas.lastSeq) canvas.replay(event);
      if (page.length < this.pageSize) break;
      after = page[page.length - 1]!.seq;
    }
    canvas.syncedSeq = Math.max(canvas.syncedSeq, head);
  }

  /** Rebuilds the canvas, then runs the load hook (rebuilding once more if it poisoned it). */
  private async load(partition: PartitionId, canvasId: string): Promise<CanvasDoc | null> {
    const canvas = await this.rebuild(partition, canvasId);
    const hook = this.loadHook;
    if (canvas === null || hook === null) return canvas;
    await hook(canvas, true);
    if (!canvas.poisoned) return canvas;
    const again = await this.rebuild(partition, canvasId);
    if (again !== null) await hook(again, false);
    return again;
  }

  private async rebuild(partition: PartitionId, canvasId: string): Promise<CanvasDoc | null> {
    // Single writer: everything appended so far (e.g. by a discarded instance) must be readable
    // first. Shared: what is durable is readable; the head read first bounds what we will see.
    const shared = this.spine.writers === 'shared';
    await this.departed.get(CanvasRegistry.key(partition, canvasId));
    const syncedSeq = shared ? await this.spine.head(partition) : 0;
    if (!shared) await this.spine.flush();
    const snapshot = await this.spine.loadSnapshot(partition, canvasId);
    let canvas: CanvasDoc | null = snapshot
      ? CanvasDoc.fromSnapshot(partition, canvasId, snapshot, this.spine.epoch)
      : null;
    let after = snapshot?.seq ?? 0;
    // Bounded: each page advances `after`; a partition holds finitely many events.
    for (;;) {
      const page = await this.spine.read(partition, after, { canvasId, limit: this.pageSize });
      for (const event of page) {
        if (canvas === null) {
          const created = readCanvasCreated(event.envelope);
          if (!created) {
            throw new CanvasRebuildError(`canvas ${canvasId}: its history does not start with canvas_created`);
          }
          canvas = CanvasDoc.create(partition, canvasId, created.manifest, created.title, this.spine.epoch);
          canvas.lastSeq = event.seq;
          continue;
        }
        canvas.replay(event);
      }
      if (page.length < this.pageSize) break;
      after = page[page.length - 1]!.seq;
    }
    if (canvas === null) return null;
    canvas.syncedSeq = Math.max(syncedSeq, canvas.lastSeq);
    // Orphans of a lost event (see CanvasDoc.replay) must not block later updates.
    canvas.doc.store.pendingStructs = null;
    canvas.doc.store.pendingDs = null;
    this.savedSeq.set(CanvasRegistry.key(partition, canvasId), snapshot?.seq ?? 0);
    void this.repairDirectory(canvas);
    return canvas;
  }

  private async repairDirectory(canvas: CanvasDoc): Promise<void> {
    try {
      const key = CanvasRegistry.key(canvas.partition, canvas.canvasId);
      if ((await this.spine.getRecord(CANVAS_RECORD_KIND, key)) === null) await this.writeDirectoryRecord(canvas, '');
    } catch (err) {
      this.options.logger?.warn({ err }, 'canvas directory repair failed');
    }
  }
}
