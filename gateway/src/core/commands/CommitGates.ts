/**
 * Per-canvas gates that let a `canvas.commit` through a steady stream of edits. A commit prepares
 * its snapshot asynchronously (the labelled state must be durable first) and is retried when the
 * canvas changed meanwhile; under continuous edits every retry could lose that race, and the
 * commit failed with 409 although it carried no `expected_revision` (contract §5: 409 is for a
 * stale one). A commit that had to retry closes its canvas's gate for its remaining attempts:
 * mutating commands wait at the gate right before their synchronous apply, so the next attempt
 * sees a still canvas. Commands already applied or past the gate are not held back; the gate
 * opens once the commit is decided (committed or failed). Keys are held weakly.
 */
export class CommitGates<K extends object> {
  readonly #gates = new WeakMap<K, Promise<void>>();

  /** Closes `key`'s gate until the returned function is called (idempotent). */
  close(key: K): () => void {
    let open!: () => void;
    const mine = new Promise<void>((resolve) => {
      open = resolve;
    });
    const before = this.#gates.get(key);
    const gate = before ? Promise.all([before, mine]).then(() => undefined) : mine;
    this.#gates.set(key, gate);
    return () => {
      open();
      if (this.#gates.get(key) === gate) this.#gates.delete(key);
    };
  }

  /** Resolves when `key`'s gate is open; null (no wait) when it is open now. */
  passage(key: K): Promise<void> | null {
    return this.#gates.get(key) ?? null;
  }
}
