/** A set of listeners; `add` returns the unsubscribe. A throwing listener never breaks the others. */
export class Listeners<A extends unknown[]> {
  readonly #set = new Set<(...args: A) => void>();

  get size(): number {
    return this.#set.size;
  }

  add(listener: (...args: A) => void): () => void {
    // Wrap so that the same function added twice is two subscriptions.
    const entry = (...args: A) => listener(...args);
    this.#set.add(entry);
    return () => {
      this.#set.delete(entry);
    };
  }

  emit(...args: A): void {
    for (const listener of [...this.#set]) {
      try {
        listener(...args);
      } catch {
        // (one listener's throw is its own: the others still hear the emit)
      }
    }
  }
}
