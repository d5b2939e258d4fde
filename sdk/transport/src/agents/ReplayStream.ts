/**
 * A buffered stream that any number of consumers iterate: every iterator starts at the oldest
 * item still held (so a late `for await` still sees what came before it), then follows live
 * items until `end()`. Holds at most `capacity` items; older ones are dropped (and counted).
 */
export class ReplayStream<T> implements AsyncIterable<T> {
  readonly #capacity: number;
  readonly #items: T[] = [];
  #dropped = 0;
  #ended = false;
  #waiters: Array<() => void> = [];

  constructor(capacity = 100_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('ReplayStream: capacity must be an integer >= 1');
    this.#capacity = capacity;
  }

  /** Items held, oldest first. */
  get items(): readonly T[] {
    return this.#items;
  }

  /** Items dropped because more than `capacity` arrived. */
  get dropped(): number {
    return this.#dropped;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Adds an item (ignored after `end()`). */
  push(item: T): void {
    if (this.#ended) return;
    this.#items.push(item);
    if (this.#items.length > this.#capacity) {
      this.#items.shift();
      this.#dropped += 1;
    }
    this.#wake();
  }

  /** Ends the stream: iterators finish once they have taken what is held. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#wake();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    // Absolute position (items ever pushed), so drops while a consumer waits are skipped cleanly.
    let position = this.#dropped;
    let finished = false;
    const done = (): IteratorResult<T> => ({ done: true, value: undefined });
    return {
      next: async (): Promise<IteratorResult<T>> => {
        for (;;) {
          if (finished) return done();
          if (position < this.#dropped) position = this.#dropped;
          const index = position - this.#dropped;
          if (index < this.#items.length) {
            position += 1;
            return { done: false, value: this.#items[index] as T };
          }
          if (this.#ended) {
            finished = true;
            return done();
          }
          await new Promise<void>((resolve) => this.#waiters.push(resolve));
        }
      },
      return: async (): Promise<IteratorResult<T>> => {
        finished = true;
        return done();
      },
    };
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
