/** A telemetry item: published synchronously when drained. */
export interface TelemetryItem {
  readonly kind: 'telemetry';
  readonly type: 'chat_token' | 'model_status';
  readonly turnId: string;
  payload: Record<string, unknown>;
  /** Whatever the publisher needs besides the payload (passed through). */
  readonly meta?: unknown;
}

/** A durable item: its append runs when drained; the queue waits for it (order is kept). */
interface DurableItem {
  readonly kind: 'durable';
  readonly label: string;
  readonly run: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
}

type Item = TelemetryItem | DurableItem;

/** Counters of a {@link SessionQueue}. */
export interface SessionQueueStats {
  /** chat_token deltas merged into a queued one (queue full). */
  coalesced: number;
  /** model_status items replaced by a newer one of the same turn (queue full). */
  replaced: number;
  /** Telemetry dropped (queue full, nothing to merge into). */
  dropped: number;
}

/**
 * A session's bounded, ordered event queue (issue 6). Items leave in the order they came;
 * durable items are never dropped, merged or reordered (they do not count against the bound)
 * and the queue waits for each one's append before going on. Telemetry counts against
 * `capacity`; when full, deterministically:
 * - a `chat_token` is merged into the newest queued `chat_token` of the same turn (text
 *   concatenated, the first `index` kept); with none queued it is dropped;
 * - a `model_status` replaces the newest queued `model_status` of the same turn (latest
 *   wins); with none queued it is dropped.
 * Merging never crosses a durable item (a turn's tokens all precede its `turn_final`).
 */
export class SessionQueue {
  private readonly items: Item[] = [];
  private telemetryCount = 0;
  private draining = false;
  private idleWaiters: Array<() => void> = [];
  readonly stats: SessionQueueStats = { coalesced: 0, replaced: 0, dropped: 0 };

  constructor(
    private readonly capacity: number,
    private readonly publish: (item: TelemetryItem) => void,
    private readonly onError?: (err: unknown, label: string) => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  /** Queued items (telemetry and durable). */
  get length(): number {
    return this.items.length;
  }

  /** Queues a telemetry event (may be merged or dropped when the queue is full). */
  pushTelemetry(item: Omit<TelemetryItem, 'kind'>): void {
    const telemetry: TelemetryItem = { kind: 'telemetry', ...item, payload: { ...item.payload } };
    if (this.telemetryCount >= this.capacity) {
      const target = this.newestMergeTarget(telemetry);
      if (target === null) {
        this.stats.dropped += 1;
        return;
      }
      if (telemetry.type === 'chat_token') {
        target.payload.text = `${String(target.payload.text ?? '')}${String(telemetry.payload.text ?? '')}`;
        this.stats.coalesced += 1;
      } else {
        target.payload = telemetry.payload;
        this.stats.replaced += 1;
      }
      return;
    }
    this.items.push(telemetry);
    this.telemetryCount += 1;
    this.drain();
  }

  /** Queues a durable append; resolves with its result once it ran (in order). Never dropped. */
  pushDurable<T>(label: string, run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve) => {
      this.items.push({ kind: 'durable', label, run, resolve: resolve as (value: unknown) => void });
      this.drain();
    });
  }

  /** Resolves once the queue is empty and nothing runs. */
  idle(): Promise<void> {
    if (!this.draining && this.items.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private newestMergeTarget(item: TelemetryItem): TelemetryItem | null {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const queued = this.items[i]!;
      if (queued.kind === 'durable') return null;
      if (queued.type === item.type && queued.turnId === item.turnId) return queued;
    }
    return null;
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      // Bounded: each pass removes one item; producers add finitely many per turn.
      while (this.items.length > 0) {
        const item = this.items.shift()!;
        if (item.kind === 'telemetry') {
          this.telemetryCount -= 1;
          try {
            this.publish(item);
          } catch (err) {
            this.onError?.(err, item.type);
          }
          continue;
        }
        let value: unknown;
        try {
          value = await item.run();
        } catch (err) {
          this.onError?.(err, item.label);
          value = undefined;
        }
        item.resolve(value);
      }
    } finally {
      this.draining = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
