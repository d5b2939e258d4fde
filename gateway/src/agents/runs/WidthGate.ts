/**
 * Runs tasks with at most `width` of them in flight at once (a run's `budget.width`), in the order
 * given, and records the most that were ever in flight together. Tasks must not reject (run
 * errors are values); a rejection is passed on to the caller of {@link run}.
 */
export class WidthGate {
  private inFlight = 0;
  /** The most tasks that were in flight at once so far. */
  maxInFlight = 0;

  constructor(readonly width: number) {
    if (!Number.isInteger(width) || width < 1) throw new RangeError('width must be an integer >= 1');
  }

  /** Runs `fn` over every item, at most `width` at once; results in item order. */
  async run<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
    const results = new Array<R>(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      // Bounded: each iteration takes one item.
      while (next < items.length) {
        const index = next++;
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
          results[index] = await fn(items[index] as T, index);
        } finally {
          this.inFlight -= 1;
        }
      }
    };
    const workers = Array.from({ length: Math.min(this.width, items.length) }, () => worker());
    await Promise.all(workers);
    return results;
  }
}
