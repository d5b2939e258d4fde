/** Something with queued text to hand to its socket. */
export interface Flushable {
  flushScheduled(): void;
}

/**
 * Coalesces writes per socket: sinks mark themselves dirty and are flushed together once the
 * current task and its promise chain are done (`process.nextTick` runs after the microtask queue
 * drained), so a burst of events becomes one `write` (one chunk, one syscall) per subscriber
 * instead of one per event.
 *
 * Why not `setImmediate`: durable events are published from the group commit's promise chain
 * (one commit acknowledges a wave of commands); an immediate queued there runs only after the
 * next I/O poll, so frames would wait behind every request that arrived meanwhile, while the
 * acknowledgements had already left. (Measured with the bench: same fan-out throughput, lower
 * command → delivery latency at every stepped rate.)
 */
export class FlushScheduler {
  private dirty: Flushable[] = [];
  private scheduled = false;

  mark(sink: Flushable): void {
    this.dirty.push(sink);
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.run);
    }
  }

  private readonly run = (): void => {
    this.scheduled = false;
    const batch = this.dirty;
    this.dirty = [];
    for (let i = 0; i < batch.length; i++) (batch[i] as Flushable).flushScheduled();
  };
}
