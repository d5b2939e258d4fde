import type { EventSpine } from '../spine/EventSpine.ts';

/** Record kind of the shared change marker (one record, key {@link CHANGE_MARKER_KEY}). */
export const CHANGE_MARKER_KIND = 'cache_changes';
/** The marker's only key. */
export const CHANGE_MARKER_KEY = 'marker';

/** The part of a pino logger the marker uses. */
export interface ChangeMarkerLogger {
  warn(details: object, message: string): void;
}

/** What {@link ChangeMarker} needs. */
export interface ChangeMarkerOptions {
  readonly spine: Pick<EventSpine, 'getRecord' | 'putRecord'>;
  /** This node's id: makes its marker values unique (with a per-node counter). */
  readonly nodeId: string;
  /** How often to read the marker, ms. */
  readonly intervalMs: number;
  /**
   * Re-reads every cache that broadcasts invalidate (lens policies, canvas types) against the
   * spine. Resolves true when every re-read succeeded; false makes the next tick run it again.
   * Never rejects.
   */
  readonly check: () => Promise<boolean>;
  readonly logger?: ChangeMarkerLogger;
}

/**
 * The durable side of cross-node cache invalidation on shared spines (PostgreSQL): broadcasts
 * (Redis pub/sub) are at most once and a node whose publishes are lost cannot tell, so every lens
 * policy or canvas type write also stores a fresh, never-repeated value in one shared record
 * ({@link bump}, after the write itself is stored). Every node reads that record every
 * `intervalMs` (one small read); when its value differs from the one the node saw last, it runs
 * `check` (re-reads its cached policies and types) and only then remembers the value: a change
 * stored before the marker read is seen by the re-read that follows it. Broadcasts stay the fast
 * path; the marker bounds how long a lost one goes unnoticed (about `intervalMs` plus one re-read),
 * whichever connection or message Redis lost. Timers are unref'd; single-node spines do not use it.
 */
export class ChangeMarker {
  /** The marker value last handled; undefined: none yet (the first tick re-checks). */
  private seen: string | null | undefined = undefined;
  private counter = 0;
  /** A bump whose write failed: retried on the next tick. */
  private pendingBump = false;
  private running = false;
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: ChangeMarkerOptions) {
    this.timer = setInterval(() => void this.tick(), options.intervalMs);
    this.timer.unref();
  }

  /**
   * A lens policy or canvas type was stored (awaited before): tells every node to re-check. Never
   * rejects; a failed write is retried on the next tick.
   */
  async bump(): Promise<void> {
    if (this.closed) return;
    try {
      await this.write();
    } catch (err) {
      this.pendingBump = true;
      this.options.logger?.warn({ err }, 'storing the cache change marker failed; retrying');
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  private write(): Promise<void> {
    this.counter += 1;
    return this.options.spine.putRecord(
      CHANGE_MARKER_KIND,
      CHANGE_MARKER_KEY,
      `${this.options.nodeId}:${Date.now().toString(36)}:${this.counter}`,
    );
  }

  private async tick(): Promise<void> {
    if (this.running || this.closed) return; // a slow spine: skip a beat rather than pile up reads
    this.running = true;
    try {
      if (this.pendingBump) {
        await this.write();
        this.pendingBump = false;
      }
      const value = await this.options.spine.getRecord(CHANGE_MARKER_KIND, CHANGE_MARKER_KEY);
      if (value === this.seen || this.closed) return;
      if (await this.options.check()) this.seen = value;
    } catch {
      // The spine is unavailable: the next tick tries again.
    } finally {
      this.running = false;
    }
  }
}
