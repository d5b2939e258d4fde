import type { BusEvent } from '../bus/EventBus.ts';
import type { LensView } from '../lens/LensView.ts';
import type { FanoutMetrics } from './FanoutMetrics.ts';
import type { FanoutStream } from './FanoutStream.ts';
import { envelopeRunId } from './envelopeRunId.ts';
import { envelopeTimestampMs } from './gatewayEnvelope.ts';
import { SharedBatch } from './SharedBatch.ts';
import { stageTrace } from '../../trace/StageTrace.ts';

/** Turns one event into this view's frame (null = hidden from it). */
export type FrameFor = (view: LensView, event: BusEvent) => string | null;

/** Bit set by {@link PartitionFanout} deliveries: a canvas / realtime stream received the event. */
const CANVAS_REACHED = 1;
const REALTIME_REACHED = 2;

/**
 * The streams of one partition on this node, and the bus handler that fans its events out.
 * Each event is projected and serialized once per lens view key, not once per subscriber; each
 * stream's frame is only appended to its sink (the sink writes its socket once per flush), and
 * deliveries are counted once per batch.
 */
export class PartitionFanout {
  /** Canvas streams by canvas id. */
  private readonly byCanvas = new Map<string, Set<FanoutStream>>();
  private readonly realtime = new Set<FanoutStream>();
  /** Run streams by run id (they receive the events whose `scope.run_id` is the run). */
  private readonly byRun = new Map<string, Set<FanoutStream>>();
  private size = 0;
  unsubscribe: (() => void) | null = null;
  // Per-event frame cache by view key; most partitions have one or two keys, so the last key
  // is checked before the map. Fields (not a closure) so that fanning an event allocates nothing.
  private lastKey: string | null = null;
  private lastFrame: string | null = null;
  private cache: Map<string, string | null> | null = null;
  private delivered = 0;
  /** Events fanned out so far (identifies the event a {@link SharedBatch} got last). */
  private eventNo = 0;
  /**
   * This cycle's shared batches per group (a canvas's stream set, or the realtime set) and view
   * key; dropped at the end of the event-loop turn (a sink that flushes earlier writes the range
   * it received; one that goes on receiving continues from there).
   */
  private batches: Map<Set<FanoutStream>, Map<string, SharedBatch>> | null = null;

  constructor(
    private readonly frameFor: FrameFor,
    private readonly metrics: FanoutMetrics,
    private readonly now: () => number,
  ) {}

  get count(): number {
    return this.size;
  }

  add(stream: FanoutStream): void {
    if (stream.runId !== null) {
      let set = this.byRun.get(stream.runId);
      if (!set) {
        set = new Set();
        this.byRun.set(stream.runId, set);
      }
      set.add(stream);
    } else if (stream.canvasId === null) this.realtime.add(stream);
    else {
      let set = this.byCanvas.get(stream.canvasId);
      if (!set) {
        set = new Set();
        this.byCanvas.set(stream.canvasId, set);
      }
      set.add(stream);
    }
    this.size += 1;
  }

  remove(stream: FanoutStream): boolean {
    let removed: boolean;
    if (stream.runId !== null) {
      const set = this.byRun.get(stream.runId);
      removed = set?.delete(stream) ?? false;
      if (set && set.size === 0) this.byRun.delete(stream.runId);
    } else if (stream.canvasId === null) removed = this.realtime.delete(stream);
    else {
      const set = this.byCanvas.get(stream.canvasId);
      removed = set?.delete(stream) ?? false;
      if (set && set.size === 0) this.byCanvas.delete(stream.canvasId);
    }
    if (removed) this.size -= 1;
    return removed;
  }

  /** Every stream of the partition. */
  all(): FanoutStream[] {
    const out: FanoutStream[] = [...this.realtime];
    for (const set of this.byCanvas.values()) out.push(...set);
    for (const set of this.byRun.values()) out.push(...set);
    return out;
  }

  /** The bus handler: delivers each event to the streams that want it. */
  onEvents(events: readonly BusEvent[]): void {
    if (stageTrace !== null) for (const e of events) if (e.seq !== null) stageTrace.fannedOut(e.seq);
    this.delivered = 0;
    try {
      for (let i = 0; i < events.length; i++) this.fanOne(events[i] as BusEvent);
    } finally {
      const count = this.delivered;
      this.delivered = 0;
      if (count > 0) this.metrics.delivered?.(count);
    }
  }

  private fanOne(event: BusEvent): void {
    this.eventNo += 1;
    this.lastKey = null;
    this.lastFrame = null;
    this.cache = null;
    let reached = 0;
    if (event.canvasId === null) {
      for (const set of this.byCanvas.values()) reached |= this.deliverAll(set, event, CANVAS_REACHED);
    } else {
      const set = this.byCanvas.get(event.canvasId);
      if (set) reached |= this.deliverAll(set, event, CANVAS_REACHED);
    }
    if (this.realtime.size > 0) reached |= this.deliverAll(this.realtime, event, REALTIME_REACHED);
    if (this.byRun.size > 0) {
      const runId = envelopeRunId(event.envelope);
      const set = runId === null ? undefined : this.byRun.get(runId);
      if (set) this.deliverAll(set, event, 0);
    }
    this.lastKey = null;
    this.lastFrame = null;
    this.cache = null;
    if (reached !== 0 && this.metrics.lag) {
      const ts = envelopeTimestampMs(event.envelope);
      if (!Number.isNaN(ts)) {
        const seconds = Math.max(0, (this.now() - ts) / 1000);
        if (reached & CANVAS_REACHED) this.metrics.lag('canvas', seconds);
        if (reached & REALTIME_REACHED) this.metrics.lag('realtime', seconds);
      }
    }
  }

  /** Delivers `event` to every stream of `set`; returns `bit` when at least one received it. */
  private deliverAll(set: Set<FanoutStream>, event: BusEvent, bit: number): number {
    const seq = event.seq;
    let written = 0;
    let batchKey: string | null = null;
    let batch: SharedBatch | null = null;
    for (const stream of set) {
      if (stream.state !== 'live') {
        if (stream.state === 'syncing') stream.hold(event);
        continue;
      }
      const frame = this.frameOf(stream.view, event);
      if (frame === null) continue;
      if (seq === null) {
        if (stream.writeTelemetry(event, frame, false)) written++;
        continue;
      }
      if (seq <= stream.lastSeq) continue;
      const key = stream.view.key;
      if (key !== batchKey) {
        batchKey = key;
        batch = this.batchOf(set, key);
      }
      const shared = batch as SharedBatch;
      if (shared.lastEvent !== this.eventNo) shared.append(frame, this.eventNo);
      if (stream.writeLiveDurable(seq, frame, shared)) written++;
    }
    this.delivered += written;
    return written > 0 ? bit : 0;
  }

  private batchOf(set: Set<FanoutStream>, key: string): SharedBatch {
    if (this.batches === null) {
      this.batches = new Map();
      setImmediate(this.endCycle);
    }
    let byKey = this.batches.get(set);
    if (byKey === undefined) {
      byKey = new Map();
      this.batches.set(set, byKey);
    }
    let batch = byKey.get(key);
    if (batch === undefined) {
      batch = new SharedBatch();
      byKey.set(key, batch);
    }
    return batch;
  }

  private readonly endCycle = (): void => {
    this.batches = null;
  };

  private frameOf(view: LensView, event: BusEvent): string | null {
    const key = view.key;
    if (key === this.lastKey) return this.lastFrame;
    const cached = this.cache?.get(key);
    if (cached !== undefined) return cached;
    if (this.cache?.has(key)) return null;
    const frame = this.frameFor(view, event);
    if (this.lastKey !== null) {
      this.cache ??= new Map();
      this.cache.set(this.lastKey, this.lastFrame);
    }
    this.lastKey = key;
    this.lastFrame = frame;
    return frame;
  }
}
