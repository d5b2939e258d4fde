/**
 * The ids of the last 4 096 events seen, so a frame delivered twice (a replay after a reconnect)
 * counts once; the oldest is forgotten first.
 */
export class RecentIds {
  readonly #seen = new Set<string>();
  readonly #order: string[] = [];

  /** True the first time `id` is offered (within the last 4 096 ids). */
  first(id: string): boolean {
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    if (this.#order.push(id) > 4096) this.#seen.delete(this.#order.shift()!);
    return true;
  }
}
