import type { BusEvent, EventBus } from '../core/bus/EventBus.ts';
import type { PartitionId } from '../core/spine/EventSpine.ts';

type Handler = (events: readonly BusEvent[]) => void;

/** The part of a pino logger the bus uses. */
export interface BusLogger {
  error(details: object, message: string): void;
}

export interface MemoryBusOptions {
  /**
   * Where a throwing handler is reported (the other handlers still run). Default: one line on
   * stderr via `console.error`.
   */
  readonly logger?: BusLogger;
}

const consoleLogger: BusLogger = {
  error(details, message) {
    console.error(message, details);
  },
};

/**
 * The in-process bus (`easel dev`, one node). `publish` delivers synchronously: each partition's
 * subscribers are called, in subscription order, with that partition's events of the batch, in
 * batch order. A handler that throws is logged and skipped; it neither stops the others nor the
 * publisher. Handlers added during a delivery get the next batch, not this one.
 */
export class MemoryBus implements EventBus {
  private readonly handlers = new Map<PartitionId, Set<Handler>>();
  private readonly broadcastHandlers = new Set<(topic: string, data: string) => void>();
  private readonly logger: BusLogger;
  private closed = false;

  constructor(options: MemoryBusOptions = {}) {
    this.logger = options.logger ?? consoleLogger;
  }

  publish(events: readonly BusEvent[]): void {
    if (this.closed || events.length === 0) return;
    const first = events[0] as BusEvent;
    // The common case: one command's events, all in one partition; no regrouping needed.
    if (events.every((e) => e.partition === first.partition)) {
      this.deliver(first.partition, events);
      return;
    }
    const byPartition = new Map<PartitionId, BusEvent[]>();
    for (const event of events) {
      const list = byPartition.get(event.partition);
      if (list === undefined) byPartition.set(event.partition, [event]);
      else list.push(event);
    }
    for (const [partition, list] of byPartition) this.deliver(partition, list);
  }

  subscribe(partition: PartitionId, handler: Handler): () => void {
    if (this.closed) return () => {};
    let set = this.handlers.get(partition);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(partition, set);
    }
    // Wrapped so one function subscribed twice is two subscriptions, each with its own unsubscribe.
    const entry: Handler = (events) => handler(events);
    set.add(entry);
    return () => {
      const current = this.handlers.get(partition);
      if (current?.delete(entry) && current.size === 0) this.handlers.delete(partition);
    };
  }

  broadcast(topic: string, data: string): void {
    if (this.closed) return;
    for (const handler of [...this.broadcastHandlers]) {
      try {
        handler(topic, data);
      } catch (error) {
        this.logger.error({ err: error, topic }, 'broadcast handler threw; skipped it');
      }
    }
  }

  onBroadcast(handler: (topic: string, data: string) => void): () => void {
    if (this.closed) return () => {};
    const entry = (topic: string, data: string) => handler(topic, data);
    this.broadcastHandlers.add(entry);
    return () => {
      this.broadcastHandlers.delete(entry);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    this.broadcastHandlers.clear();
  }

  /** Subscriber count of a partition (for metrics and tests). */
  subscriberCount(partition: PartitionId): number {
    return this.handlers.get(partition)?.size ?? 0;
  }

  /** The partitions that have at least one subscriber. */
  partitions(): PartitionId[] {
    return [...this.handlers.keys()];
  }

  private deliver(partition: PartitionId, events: readonly BusEvent[]): void {
    const set = this.handlers.get(partition);
    if (set === undefined) return;
    for (const handler of [...set]) {
      // Unsubscribed by an earlier handler of this same delivery: skip it.
      if (!set.has(handler)) continue;
      try {
        handler(events);
      } catch (error) {
        this.logger.error({ err: error, partition, count: events.length }, 'bus subscriber threw; skipped it');
      }
    }
  }
}
