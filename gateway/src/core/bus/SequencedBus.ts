import type { PartitionId, ReadOptions, StoredEvent } from '../spine/EventSpine.ts';
import type { BusEvent, EventBus } from './EventBus.ts';

type Handler = (events: readonly BusEvent[]) => void;

/** The part of the spine {@link SequencedBus} reads to repair gaps. */
export interface SpineReader {
  read(partition: PartitionId, afterSeq: number, options?: ReadOptions): Promise<StoredEvent[]>;
  head(partition: PartitionId): Promise<number>;
}

/** A bus that can tell when it may have missed messages (e.g. `RedisBus` after a Redis restart). */
export interface ReconnectSignal {
  /** Calls `listener` after messages may have been lost; returns its unsubscribe. */
  onReconnect(listener: () => void): () => void;
}

/** The part of a pino logger the wrapper uses. */
export interface SequencedBusLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Tunables of {@link SequencedBus}. */
export interface SequencedBusOptions {
  /**
   * How often partitions with subscribers compare the spine's head with what they delivered, ms.
   * A partition repairs when events that were at the head one check earlier are still missing.
   * Default 1000.
   */
  readonly checkIntervalMs?: number;
  /** Events per spine read while repairing. Default 500. */
  readonly pageSize?: number;
  /** Out-of-order events held per partition; past it they are dropped and re-read from the spine. Default 10000. */
  readonly bufferLimit?: number;
  /** First retry delay after a failed spine read, ms (doubles per failure). Default 50. */
  readonly retryMinMs?: number;
  /** Longest retry delay, ms. Default 5000. */
  readonly retryMaxMs?: number;
  /** Default: console. */
  readonly logger?: SequencedBusLogger;
}

interface PartitionState {
  readonly partition: PartitionId;
  readonly handlers: Set<Handler>;
  /** The next durable seq to deliver; null until the starting point was read from the spine. */
  next: number | null;
  /** Durable events above `next`, by seq. */
  readonly buffer: Map<number, BusEvent>;
  repairing: boolean;
  /** Another repair was asked for while one ran. */
  again: boolean;
  retryTimer: NodeJS.Timeout | null;
  failures: number;
  /** The spine head at the previous periodic check. */
  seenHead: number | null;
  checking: boolean;
  unsubscribeInner: () => void;
}

const consoleLogger: SequencedBusLogger = {
  warn(details, message) {
    console.warn(message, details);
  },
  error(details, message) {
    console.error(message, details);
  },
};

/** Largest window searched below the head for the last durable event when a partition starts. */
const FRONTIER_WINDOW = 4096;

function hasReconnectSignal(bus: EventBus): bus is EventBus & ReconnectSignal {
  return typeof (bus as Partial<ReconnectSignal>).onReconnect === 'function';
}

/**
 * Wraps a bus that may lose, duplicate or reorder messages (Redis pub/sub across nodes) so its
 * subscribers get each partition's durable events exactly once, contiguous and ascending, from
 * the moment they subscribed. Per subscribed partition it tracks the next expected seq: a lower
 * seq is a duplicate (dropped), a higher one is held and the gap is read from the spine. It also
 * repairs when the inner bus reconnects (`onReconnect`, when it has one) and when the periodic
 * check finds the spine ahead of what was delivered, so a tail lost without later traffic still
 * arrives. Telemetry (seq null) passes straight through. Delivery to handlers follows
 * `MemoryBus`: in subscription order, a throwing handler is logged and skipped.
 */
export class SequencedBus implements EventBus {
  private readonly states = new Map<PartitionId, PartitionState>();
  private readonly o: Required<Omit<SequencedBusOptions, 'logger'>>;
  private readonly logger: SequencedBusLogger;
  private readonly timer: NodeJS.Timeout;
  private readonly stopReconnect: () => void;
  private closed = false;

  constructor(
    private readonly inner: EventBus,
    private readonly reader: SpineReader,
    options: SequencedBusOptions = {},
  ) {
    this.o = {
      checkIntervalMs: options.checkIntervalMs ?? 1000,
      pageSize: options.pageSize ?? 500,
      bufferLimit: options.bufferLimit ?? 10_000,
      retryMinMs: options.retryMinMs ?? 50,
      retryMaxMs: options.retryMaxMs ?? 5000,
    };
    this.logger = options.logger ?? consoleLogger;
    this.timer = setInterval(() => this.check(), this.o.checkIntervalMs);
    this.timer.unref();
    this.stopReconnect = hasReconnectSignal(inner)
      ? inner.onReconnect(() => {
          for (const state of this.states.values()) void this.repair(state);
        })
      : () => {};
  }

  publish(events: readonly BusEvent[]): void {
    if (this.closed) return;
    this.inner.publish(events);
  }

  subscribe(partition: PartitionId, handler: Handler): () => void {
    if (this.closed) return () => {};
    let state = this.states.get(partition);
    if (state === undefined) {
      const created: PartitionState = {
        partition,
        handlers: new Set(),
        next: null,
        buffer: new Map(),
        repairing: false,
        again: false,
        retryTimer: null,
        failures: 0,
        seenHead: null,
        checking: false,
        unsubscribeInner: () => {},
      };
      state = created;
      this.states.set(partition, created);
      created.unsubscribeInner = this.inner.subscribe(partition, (events) => this.accept(created, events));
      void this.repair(created);
    }
    const current = state;
    const entry: Handler = (events) => handler(events);
    current.handlers.add(entry);
    return () => {
      if (current.handlers.delete(entry) && current.handlers.size === 0) this.drop(current);
    };
  }

  broadcast(topic: string, data: string): void {
    if (this.closed) return;
    this.inner.broadcast(topic, data);
  }

  onBroadcast(handler: (topic: string, data: string) => void): () => void {
    return this.inner.onBroadcast(handler);
  }

  /** Closes the wrapper and the inner bus (not the spine). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.stopReconnect();
    for (const state of [...this.states.values()]) this.drop(state);
    await this.inner.close();
  }

  /** The last seq delivered for a partition (null: not subscribed or not started yet). */
  position(partition: PartitionId): number | null {
    const next = this.states.get(partition)?.next;
    return next === undefined || next === null ? null : next - 1;
  }

  /** Out-of-order events held for a partition, waiting for a gap to fill (for metrics and tests). */
  held(partition: PartitionId): number {
    return this.states.get(partition)?.buffer.size ?? 0;
  }

  private alive(state: PartitionState): boolean {
    return !this.closed && this.states.get(state.partition) === state;
  }

  private drop(state: PartitionState): void {
    if (this.states.get(state.partition) === state) this.states.delete(state.partition);
    state.unsubscribeInner();
    state.buffer.clear();
    if (state.retryTimer !== null) clearTimeout(state.retryTimer);
    state.retryTimer = null;
  }

  /** Takes events from the inner bus or the spine: delivers what is next, holds what is ahead. */
  private accept(state: PartitionState, events: readonly BusEvent[]): void {
    if (!this.alive(state)) return;
    const out: BusEvent[] = [];
    for (const event of events) {
      if (event.seq === null) out.push(event);
      else if (state.next === null || event.seq > state.next) state.buffer.set(event.seq, event);
      else if (event.seq === state.next) {
        out.push(event);
        state.next += 1;
        this.drain(state, out);
      }
      // below next: a duplicate
    }
    if (state.next !== null && state.buffer.size > 0) {
      this.drain(state, out);
      for (const seq of state.buffer.keys()) if (seq < state.next) state.buffer.delete(seq);
    }
    let gap = state.next !== null && state.buffer.size > 0;
    if (state.buffer.size > this.o.bufferLimit) {
      this.logger.warn(
        { partition: state.partition, held: state.buffer.size },
        'bus: too many out-of-order events held; re-reading them from the spine',
      );
      state.buffer.clear();
      gap = true;
    }
    if (out.length > 0) this.deliver(state, out);
    if (gap) void this.repair(state);
  }

  private drain(state: PartitionState, out: BusEvent[]): void {
    if (state.next === null) return;
    for (let held = state.buffer.get(state.next); held !== undefined; held = state.buffer.get(state.next)) {
      state.buffer.delete(state.next);
      out.push(held);
      state.next += 1;
    }
  }

  private deliver(state: PartitionState, events: readonly BusEvent[]): void {
    for (const handler of [...state.handlers]) {
      if (!state.handlers.has(handler)) continue;
      try {
        handler(events);
      } catch (err) {
        this.logger.error(
          { err, partition: state.partition, count: events.length },
          'bus subscriber threw; skipped it',
        );
      }
    }
  }

  /**
   * Reads the starting point (first time) and then the spine after the last delivered event,
   * page by page, until it is exhausted. Single-flight per partition; a failure retries later.
   */
  private async repair(state: PartitionState): Promise<void> {
    if (!this.alive(state)) return;
    if (state.repairing) {
      state.again = true;
      return;
    }
    state.repairing = true;
    if (state.retryTimer !== null) clearTimeout(state.retryTimer);
    state.retryTimer = null;
    try {
      do {
        state.again = false;
        if (state.next === null) {
          const start = await this.durableFrontier(state.partition);
          if (!this.alive(state)) return;
          state.next = start + 1;
          this.accept(state, []);
        }
        await this.fill(state);
      } while (state.again && this.alive(state));
      if (state.buffer.size === 0) state.failures = 0;
      else {
        // Still a gap after reading everything durable: the missing events are not readable yet.
        state.failures += 1;
        this.retryLater(state);
      }
    } catch (err) {
      state.failures += 1;
      if (state.failures === 1 || state.failures % 20 === 0) {
        this.logger.warn(
          { err, partition: state.partition, failures: state.failures },
          'bus: reading the spine to repair a gap failed; retrying',
        );
      }
      this.retryLater(state);
    } finally {
      state.repairing = false;
    }
  }

  private retryLater(state: PartitionState): void {
    if (!this.alive(state) || state.retryTimer !== null) return;
    const delay = Math.min(this.o.retryMaxMs, this.o.retryMinMs * 2 ** Math.min(state.failures, 16));
    state.retryTimer = setTimeout(() => {
      state.retryTimer = null;
      void this.repair(state);
    }, delay);
    state.retryTimer.unref();
  }

  /** Delivers durable events after `next - 1` from the spine until a page comes back short. */
  private async fill(state: PartitionState): Promise<void> {
    for (;;) {
      const after = (state.next as number) - 1;
      const page = await this.reader.read(state.partition, after, { limit: this.o.pageSize });
      if (!this.alive(state) || page.length === 0) return;
      const first = page[0] as StoredEvent;
      const next = state.next as number;
      if (first.seq > next && next - 1 === after) {
        // The missing events were compacted away: nothing can deliver them any more.
        this.logger.warn(
          { partition: state.partition, missing: [next, first.seq - 1] },
          'bus: events were compacted before this node delivered them; skipping them',
        );
        state.next = first.seq;
      }
      this.accept(
        state,
        page.map((e) => ({
          partition: e.partition,
          seq: e.seq,
          canvasId: e.canvasId,
          type: e.type,
          envelope: e.envelope,
        })),
      );
      if (page.length < this.o.pageSize) return;
    }
  }

  /**
   * The last durable seq at or below the head: where a new subscription starts. The head also
   * counts appends not yet durable; they are still to be published and must not be skipped.
   */
  private async durableFrontier(partition: PartitionId): Promise<number> {
    const head = await this.reader.head(partition);
    for (let span = 1; head > 0; span *= 16) {
      const after = Math.max(0, head - Math.min(span, FRONTIER_WINDOW));
      const page = await this.reader.read(partition, after, { limit: head - after });
      let last = -1;
      for (const e of page) if (e.seq <= head) last = e.seq;
      if (last >= 0) return last;
      if (after === 0 || span >= FRONTIER_WINDOW) return after;
    }
    return 0;
  }

  /** Repairs partitions whose spine head, as seen one check earlier, is still not delivered. */
  private check(): void {
    for (const state of this.states.values()) {
      if (state.next === null || state.checking || state.repairing) continue;
      state.checking = true;
      this.reader.head(state.partition).then(
        (head) => {
          state.checking = false;
          if (!this.alive(state) || state.next === null) return;
          const behind = state.seenHead !== null && state.next - 1 < state.seenHead;
          state.seenHead = head;
          if (behind || state.buffer.size > 0) void this.repair(state);
        },
        () => {
          state.checking = false; // the spine is unavailable; the next check tries again
        },
      );
    }
  }
}
