import type { PartitionId } from './EventSpine.ts';

/**
 * Write turns of a single-writer spine: turns on one partition run one after another in this
 * process (there is no other writer). A turn resolves once everything appended during it is
 * durable (`flush`). Rolling back is not possible here: appends made by a `work` that rejects
 * stay appended (a single-writer spine commits each append on its own merits).
 */
export class LocalTurns {
  private readonly tails = new Map<PartitionId, Promise<unknown>>();

  constructor(
    private readonly headOf: (partition: PartitionId) => Promise<number>,
    private readonly flush: () => Promise<void>,
  ) {}

  run<T>(partition: PartitionId, work: (head: number) => Promise<T>): Promise<T> {
    const previous = this.tails.get(partition) ?? Promise.resolve();
    const result = previous.then(async () => {
      const value = await work(await this.headOf(partition));
      await this.flush();
      return value;
    });
    const tail = result.catch(() => {});
    this.tails.set(partition, tail);
    void tail.then(() => {
      if (this.tails.get(partition) === tail) this.tails.delete(partition);
    });
    return result;
  }
}
