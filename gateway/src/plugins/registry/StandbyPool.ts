/**
 * The host-wide budget of standby processes: every plugin's standby takes a place before it is
 * spawned and gives it back once it is promoted, stopped or gone, so hot plugins can never more than
 * `max` extra processes between them.
 */
export class StandbyPool {
  private used = 0;

  constructor(readonly max: number) {}

  /** Standby processes alive or starting. */
  get inUse(): number {
    return this.used;
  }

  /** Takes a place; false when the pool is full. */
  tryTake(): boolean {
    if (this.used >= this.max) return false;
    this.used++;
    return true;
  }

  /** Gives a place back (once per successful `tryTake`). */
  give(): void {
    if (this.used > 0) this.used--;
  }
}
