/** Something with queued text to hand to its socket. */
export interface Flushable {
  flushScheduled(): void;
}

/**
 * Coalesces writes per socket per event-loop turn: sinks mark themselves dirty and are flushed
 * together in one `setImmediate`, so a burst of events becomes one `write` (one chunk, one
 * syscall) per subscriber instead of one per event.
 */
export class FlushScheduler {
  private dirty: Flushable[] = [];
  private scheduled = false;

  mark(sink: Flushable): void {
    this.dirty.push(sink);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.run);
    }
  }

  private run = (): void => {
    this.scheduled = false;
    const batch = this.dirty;
    this.dirty = [];
    for (const sink of batch) sink.flushScheduled();
  };
}
