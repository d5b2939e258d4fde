import type { JsonValue } from '@easel/schemas';
import { isDeepStrictEqual } from 'node:util';
import type { PartitionId, StoredEvent } from '../spine/EventSpine.ts';
import { CanvasDoc, CanvasRebuildError, readCanvasCreated } from './CanvasDoc.ts';

/**
 * A block of a canvas as run reverts see it: a key of a map root, or a whole array, text or
 * xml root (`key` undefined).
 */
export interface BlockRef {
  readonly root: string;
  readonly key?: string;
}

/** What one run did to one block, seen over the canvas's history. */
export interface RunBlockChange extends BlockRef {
  /** The block's JSON just before the run first changed it (undefined: it did not exist). */
  readonly before: JsonValue | undefined;
  /** The block's JSON right after the run last changed it (undefined: the run deleted it). */
  after: JsonValue | undefined;
  /** Someone else changed the block after the run first changed it. */
  othersChanged: boolean;
}

interface Envelope {
  scope?: { run_id?: unknown };
  payload?: { roots?: unknown; reverted_run?: unknown };
}

function blockId(root: string, key: string | undefined): string {
  return key === undefined ? `${root}\u0000*` : `${root}\u0000:${key}`;
}

function isPlainObject(v: unknown): v is Record<string, JsonValue> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Replays a canvas's durable history (fed in seq order from its `canvas_created` on) into a
 * scratch canvas and records, per block, what the run `runId` changed: the block's content before
 * the run's first change, after its last change, and whether anyone else changed it in between or
 * since. The run's changes are the `state_patch` events whose envelope `scope.run_id` is the run
 * (every commit a run makes carries it). Throws {@link CanvasRebuildError} for unreadable history.
 */
export class RunChangeTracker {
  private scratch: CanvasDoc | null = null;
  private readonly blocks = new Map<string, RunBlockChange>();
  /** Roots holding at least one tracked block. */
  private readonly trackedRoots = new Set<string>();
  /** A `canvas_commit` already reverted this run. */
  alreadyReverted = false;
  /** Seq of the last event fed. */
  lastSeq = 0;
  /** Run `state_patch` events seen. */
  runPatches = 0;

  constructor(
    private readonly partition: PartitionId,
    private readonly canvasId: string,
    private readonly epoch: string,
    private readonly runId: string,
  ) {}

  /** False until the history's first event (`canvas_created`) was fed. */
  get started(): boolean {
    return this.scratch !== null;
  }

  /** Feeds the next stored event of the canvas. */
  feed(event: StoredEvent): void {
    this.lastSeq = event.seq;
    if (this.scratch === null) {
      const created = readCanvasCreated(event.envelope);
      if (!created)
        throw new CanvasRebuildError(`canvas ${this.canvasId}: its history does not start with canvas_created`);
      this.scratch = CanvasDoc.create(this.partition, this.canvasId, created.manifest, created.title, this.epoch);
      this.scratch.lastSeq = event.seq;
      return;
    }
    const scratch = this.scratch;
    if (event.type !== 'state_patch' && event.type !== 'canvas_commit') {
      scratch.replay(event);
      return;
    }
    let env: Envelope;
    try {
      env = JSON.parse(event.envelope) as Envelope;
    } catch {
      throw new CanvasRebuildError(`event ${event.seq} of canvas ${this.canvasId} is not JSON`);
    }
    if (event.type === 'canvas_commit') {
      if (env.payload?.reverted_run === this.runId) this.alreadyReverted = true;
      scratch.replay(event);
      return;
    }
    const isRun = env.scope?.run_id === this.runId;
    const touched = Array.isArray(env.payload?.roots)
      ? (env.payload.roots as unknown[]).filter(
          (r): r is string => typeof r === 'string' && Object.hasOwn(scratch.manifest.roots, r),
        )
      : [];
    const watched = isRun ? touched : touched.filter((r) => this.trackedRoots.has(r));
    if (watched.length === 0) {
      scratch.replay(event);
      return;
    }
    const before = new Map(watched.map((r) => [r, scratch.rootJson(r) as JsonValue]));
    scratch.replay(event);
    if (isRun) this.runPatches += 1;
    for (const root of watched) this.compare(root, before.get(root), scratch.rootJson(root) as JsonValue, isRun);
  }

  /** Records the differences of one root across one patch. */
  private compare(root: string, from: JsonValue | undefined, to: JsonValue, isRun: boolean): void {
    const roots = this.scratch?.manifest.roots;
    const kind = roots !== undefined && Object.hasOwn(roots, root) ? roots[root] : undefined;
    if (kind === 'map' && isPlainObject(from) && isPlainObject(to)) {
      const keys = new Set([...Object.keys(from), ...Object.keys(to)]);
      for (const key of keys) {
        const a = Object.hasOwn(from, key) ? from[key] : undefined;
        const b = Object.hasOwn(to, key) ? to[key] : undefined;
        if (!isDeepStrictEqual(a, b)) this.note(root, key, a, b, isRun);
      }
      return;
    }
    if (!isDeepStrictEqual(from, to)) this.note(root, undefined, from, to, isRun);
  }

  private note(
    root: string,
    key: string | undefined,
    before: JsonValue | undefined,
    after: JsonValue | undefined,
    isRun: boolean,
  ): void {
    const id = blockId(root, key);
    const known = this.blocks.get(id);
    if (!isRun) {
      if (known) known.othersChanged = true;
      return;
    }
    if (known) known.after = after;
    else {
      this.blocks.set(id, { root, ...(key !== undefined ? { key } : {}), before, after, othersChanged: false });
      this.trackedRoots.add(root);
    }
  }

  /** The blocks the run changed, in the order it first changed them. */
  changes(): RunBlockChange[] {
    return [...this.blocks.values()];
  }
}
