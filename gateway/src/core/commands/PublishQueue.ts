import type pino from 'pino';
import type { BusEvent, EventBus } from '../bus/EventBus.ts';
import type { AppendResult, PartitionId } from '../spine/EventSpine.ts';

/**
 * Publishes each append's events on the bus once they are durable, in append order per
 * partition (a later append never overtakes an earlier one, even if it became durable first;
 * a failed append publishes nothing and does not block the ones after it).
 */
export class PublishQueue {
  private readonly tails = new Map<PartitionId, Promise<void>>();

  constructor(
    private readonly bus: EventBus,
    private readonly logger?: pino.Logger,
  ) {}

  /** Resolves with the append's result once its events were published; rejects if it failed. */
  publish(partition: PartitionId, durable: Promise<AppendResult>, events: readonly BusEvent[]): Promise<AppendResult> {
    const previous = this.tails.get(partition) ?? Promise.resolve();
    const mine = previous
      .then(() => durable)
      .then((result) => {
        try {
          this.bus.publish(events);
        } catch (err) {
          this.logger?.error({ err, partition }, 'bus publish failed');
        }
        return result;
      });
    const tail = mine.then(
      () => {},
      () => {},
    );
    this.tails.set(partition, tail);
    void tail.then(() => {
      if (this.tails.get(partition) === tail) this.tails.delete(partition);
    });
    return mine;
  }
}
