/**
 * A value with listeners, shaped for `useSyncExternalStore`: `subscribe` returns its
 * unsubscribe, `getSnapshot` returns the same object until `set` stores a different one.
 */
export class ExternalStore<T> {
  #value: T;
  readonly #listeners = new Set<() => void>();

  constructor(initial: T) {
    this.#value = initial;
  }

  readonly getSnapshot = (): T => this.#value;

  readonly subscribe = (listener: () => void): (() => void) => {
    const entry = () => listener();
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  };

  get value(): T {
    return this.#value;
  }

  /** Stores `next` (when not identical to the current value) and notifies. */
  set(next: T): void {
    if (Object.is(next, this.#value)) return;
    this.#value = next;
    for (const listener of [...this.#listeners]) listener();
  }

  /** Stores `update(current)`. */
  update(update: (current: T) => T): void {
    this.set(update(this.#value));
  }
}
