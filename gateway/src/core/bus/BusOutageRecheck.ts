/** What {@link BusOutageRecheck} needs. */
export interface BusOutageRecheckOptions {
  /** How often to run `check` while the bus is down, ms. */
  readonly intervalMs: number;
  /** Re-reads what broadcasts would have invalidated (never rejects; failures are the caller's to log). */
  readonly check: () => Promise<void>;
}

/**
 * While the bus reports it is disconnected (`BUS_DISCONNECTED_TOPIC`), broadcasts from other nodes
 * are lost: runs `check` every `intervalMs` (one run at a time, the timer unref'd) until `stop`
 * (`BUS_RESYNC_TOPIC`: the bus is back) or `close`.
 */
export class BusOutageRecheck {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private closed = false;

  constructor(private readonly options: BusOutageRecheckOptions) {}

  /** The bus went down: starts checking (no-op when already checking or closed). */
  start(): void {
    if (this.timer !== null || this.closed) return;
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** The bus is back: stops checking. */
  stop(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
  }

  /** Whether it is checking (the bus is down). */
  get active(): boolean {
    return this.timer !== null;
  }

  close(): void {
    this.closed = true;
    this.stop();
  }

  private async tick(): Promise<void> {
    if (this.running) return; // a slow spine: skip a beat rather than pile up reads
    this.running = true;
    try {
      await this.options.check();
    } finally {
      this.running = false;
    }
  }
}
