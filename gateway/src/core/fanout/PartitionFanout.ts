import type { BusEvent } from '../bus/EventBus.ts';
import type { LensView } from '../lens/LensView.ts';
import type { FanoutMetrics, StreamKind } from './FanoutMetrics.ts';
import type { FanoutStream } from './FanoutStream.ts';
import { envelopeTimestampMs } from './gatewayEnvelope.ts';

/** Turns one event into this view's frame (null = hidden from it). */
export type FrameFor = (view: LensView, event: BusEvent) => string | null;

/**
 * The streams of one partition on this node, and the bus handler that fans its events out.
 * Each event is projected and serialized once per lens view key, not once per subscriber.
 */
export class PartitionFanout {
  /** Canvas streams by canvas id. */
  private readonly byCanvas = new Map<string, Set<FanoutStream>>();
  private readonly realtime = new Set<FanoutStream>();
  private size = 0;
  unsubscribe: (() => void) | null = null;

  constructor(
    private readonly frameFor: FrameFor,
    private readonly metrics: FanoutMetrics,
    private readonly now: () => number,
  ) {}

  get count(): number {
    return this.size;
  }

  add(stream: FanoutStream): void {
    if (stream.canvasId === null) this.realtime.add(stream);
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
    if (stream.canvasId === null) removed = this.realtime.delete(stream);
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
    return out;
  }

  /** The bus handler: delivers each event to the streams that want it. */
  onEvents(events: readonly BusEvent[]): void {
    for (const event of events) this.fanOne(event);
  }

  private fanOne(event: BusEvent): void {
    // Per-event frame cache by view key; most partitions have one or two keys, so the last
    // key is checked before the map.
    let lastKey: string | null = null;
    let lastFrame: string | null = null;
    let cache: Map<string, string | null> | null = null;
    let canvasReached = false;
    let realtimeReached = false;
    const deliver = (stream: FanoutStream): boolean => {
      if (stream.state !== 'live') {
        if (stream.state === 'syncing') stream.hold(event);
        return false;
      }
      const key = stream.view.key;
      let frame: string | null;
      if (key === lastKey) frame = lastFrame;
      else if (cache?.has(key)) frame = cache.get(key) ?? null;
      else {
        frame = this.frameFor(stream.view, event);
        if (lastKey !== null) {
          cache ??= new Map();
          cache.set(lastKey, lastFrame);
        }
        lastKey = key;
        lastFrame = frame;
      }
      return stream.offerLive(event, frame);
    };
    if (event.canvasId === null) {
      for (const set of this.byCanvas.values()) for (const s of set) canvasReached = deliver(s) || canvasReached;
    } else {
      const set = this.byCanvas.get(event.canvasId);
      if (set) for (const s of set) canvasReached = deliver(s) || canvasReached;
    }
    for (const s of this.realtime) realtimeReached = deliver(s) || realtimeReached;
    if ((canvasReached || realtimeReached) && this.metrics.lag) {
      const ts = envelopeTimestampMs(event.envelope);
      if (!Number.isNaN(ts)) {
        const seconds = Math.max(0, (this.now() - ts) / 1000);
        if (canvasReached) this.metrics.lag('canvas' satisfies StreamKind, seconds);
        if (realtimeReached) this.metrics.lag('realtime', seconds);
      }
    }
  }
}
