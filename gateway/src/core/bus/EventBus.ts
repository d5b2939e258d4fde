import type { PartitionId } from '../spine/EventSpine.ts';

/** A durable event after commit, or a telemetry event (seq null), as fan-out sees it. */
export interface BusEvent {
  readonly partition: PartitionId;
  /** Partition sequence; null for telemetry (non-durable) events. */
  readonly seq: number | null;
  readonly canvasId: string | null;
  readonly type: string;
  /** Envelope JSON text, exactly as stored. */
  readonly envelope: string;
}

/**
 * The topic a bus delivers to this node's own `onBroadcast` handlers (data `''`) when broadcasts
 * from other nodes may have been lost (e.g. `RedisBus` after its connection came back): whoever
 * caches what broadcasts invalidate re-checks it against the spine.
 */
export const BUS_RESYNC_TOPIC = 'bus.resync';

/**
 * The topic a bus delivers to this node's own `onBroadcast` handlers (data `''`) when it lost its
 * connection (e.g. `RedisBus`'s subscriber connection closed): until {@link BUS_RESYNC_TOPIC}
 * follows, broadcasts from other nodes do not arrive, so whoever caches what they invalidate
 * re-checks it against the spine meanwhile.
 */
export const BUS_DISCONNECTED_TOPIC = 'bus.disconnected';

/**
 * Carries committed events to every node's fan-out. Publish only after the spine made
 * them durable; per partition, durable events are published in seq order.
 */
export interface EventBus {
  publish(events: readonly BusEvent[]): void;
  /** Returns its unsubscribe. */
  subscribe(partition: PartitionId, handler: (events: readonly BusEvent[]) => void): () => void;
  /**
   * Cluster-wide control message (cache invalidation: lens policy or canvas type changed).
   * Reaches every node's `onBroadcast` handlers, this node's included; at most once, not durable.
   */
  broadcast(topic: string, data: string): void;
  /** Returns its unsubscribe. */
  onBroadcast(handler: (topic: string, data: string) => void): () => void;
  close(): Promise<void>;
}
