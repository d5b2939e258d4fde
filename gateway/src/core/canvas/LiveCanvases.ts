import type { PartitionId } from '../spine/EventSpine.ts';

/** What {@link LiveCanvases} needs of a canvas: the partition it lives in. */
interface InPartition {
  readonly partition: PartitionId;
}

/**
 * The loaded canvases of a node by key (`<partition>/<canvas_id>`), indexed by partition as well,
 * so a write turn on a shared spine finds its partition's canvases without scanning every loaded
 * canvas of the node.
 */
export class LiveCanvases<C extends InPartition> {
  readonly #byKey = new Map<string, C>();
  readonly #byPartition = new Map<PartitionId, Set<C>>();

  get size(): number {
    return this.#byKey.size;
  }

  get(key: string): C | undefined {
    return this.#byKey.get(key);
  }

  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  /** Keeps `canvas` under `key` (replacing whatever was there). */
  set(key: string, canvas: C): void {
    const previous = this.#byKey.get(key);
    if (previous === canvas) return;
    if (previous !== undefined) this.#unindex(previous);
    this.#byKey.set(key, canvas);
    let set = this.#byPartition.get(canvas.partition);
    if (set === undefined) {
      set = new Set();
      this.#byPartition.set(canvas.partition, set);
    }
    set.add(canvas);
  }

  /** Forgets `key` when it still holds `canvas` (a newer canvas under the key stays); true if it did. */
  deleteIf(key: string, canvas: C): boolean {
    if (this.#byKey.get(key) !== canvas) return false;
    this.#byKey.delete(key);
    this.#unindex(canvas);
    return true;
  }

  /** Every loaded canvas (a copy: safe to unload while iterating). */
  all(): C[] {
    return [...this.#byKey.values()];
  }

  /** The loaded canvases of `partition` (a copy). */
  inPartition(partition: PartitionId): C[] {
    const set = this.#byPartition.get(partition);
    return set === undefined ? [] : [...set];
  }

  #unindex(canvas: C): void {
    const set = this.#byPartition.get(canvas.partition);
    if (set === undefined) return;
    set.delete(canvas);
    if (set.size === 0) this.#byPartition.delete(canvas.partition);
  }
}
