import type { Scope } from '@easel/schemas';
import type { Principal } from '../auth/Principal.ts';
import type { BusEvent } from '../bus/EventBus.ts';
import type { LensView } from '../lens/LensView.ts';
import type { PartitionId } from '../spine/EventSpine.ts';
import type { StreamKind } from './FanoutMetrics.ts';
import type { SharedBatch } from './SharedBatch.ts';
import type { FramePart } from './sseFrames.ts';
import type { StreamSink } from './StreamSink.ts';

/** Internal close reasons (metrics labels only) beside `STREAM_CLOSE_REASONS`. */
export const CLIENT_CLOSED = 'client_closed';
export const STREAM_ERROR = 'error';

/** What a stream's owner (the hub) provides to it. */
export interface StreamHost {
  /** Ends the stream (slow consumer). */
  closeStream(stream: FanoutStream, reason: string): void;
  /** Counts frames written. */
  countDelivered(count: number): void;
}

/** Limits of one subscriber. */
export interface StreamLimits {
  /** Buffered bytes past which the subscriber is closed as `slow_consumer`. */
  budgetBytes: number;
  /** Events held while a stream (re)synchronizes; past it the backlog is dropped and re-read from the spine. */
  backlogLimit: number;
  /** Distinct telemetry keys held while coalescing; new keys past it are dropped. */
  coalesceLimit: number;
}

/**
 * One subscriber: its lens view, position (`lastSeq`), and the delivery rules of contract §4:
 * durable events exactly once and in order (skipping seq ≤ lastSeq), telemetry best-effort
 * (coalesced per (type, job/run) over half the byte budget), closed as `slow_consumer` past it.
 *
 * While `syncing` (opening, replaying, re-resolving after a lens change) live events wait in
 * `backlog` and are projected with the stream's view only when drained.
 */
export class FanoutStream {
  state: 'syncing' | 'live' | 'closed' = 'syncing';
  /** Last durable seq delivered to (or covered by the snapshot sent to) this subscriber. */
  lastSeq = 0;
  backlog: BusEvent[] = [];
  /** True when the backlog overflowed: durable events since must be re-read from the spine. */
  backlogOverflowed = false;
  /** A lens change arrived while syncing: synchronize again before going live. */
  resyncRequested = false;
  /** The preamble (retry, first keep-alive) was written: the response has begun. */
  started = false;
  /** The partition head read when the stream opened (where a fresh realtime stream's re-read starts). */
  openHead = 0;
  /** Canvas streams opened with `?paint=state`: snapshots carry the JSON `state` too (full viewers). */
  paintState = false;
  /** Extra buffered bytes tolerated for the last CANVAS_READY (a large snapshot is not slowness). */
  allowance = 0;
  /**
   * A replay from the spine is writing: it paces itself by the socket's backpressure (and drops a
   * client that does not drain in time), so the live byte budget does not apply meanwhile.
   */
  replaying = false;
  private coalesced: Map<string, string> | null = null;
  private waitingForDrain = false;

  constructor(
    readonly id: number,
    readonly kind: StreamKind,
    readonly principal: Principal,
    readonly scope: Scope,
    readonly partition: PartitionId,
    /** The canvas of a canvas stream; null for realtime. */
    readonly canvasId: string | null,
    public view: LensView,
    readonly sink: StreamSink,
    private readonly limits: StreamLimits,
    private readonly host: StreamHost,
    /** The run of a run stream (it receives the events whose `scope.run_id` is this); null otherwise. */
    readonly runId: string | null = null,
    /** A run stream opened without a cursor replays the partition after this seq (the run's start). */
    readonly freshFrom: number | null = null,
  ) {}

  /** True once the stream ended (a getter, so checks after an await are not narrowed away). */
  get closed(): boolean {
    return this.state === 'closed';
  }

  /** A live event arriving from the bus; `frame` is this view's pre-serialized frame (null = hidden). */
  offerLive(event: BusEvent, frame: string | null): boolean {
    if (this.state === 'syncing') {
      this.hold(event);
      return false;
    }
    if (this.state !== 'live' || frame === null) return false;
    return event.seq === null ? this.writeTelemetry(event, frame) : this.writeDurable(event.seq, frame);
  }

  /**
   * Fan-out's hot path for a live durable frame: like {@link writeDurable} but without counting
   * (the caller counts once per event). `batch` already ends with `frame` (see
   * {@link SharedBatch}); null when there is none. Returns whether it was written.
   */
  writeLiveDurable(seq: number, frame: string, batch: SharedBatch | null): boolean {
    if (seq <= this.lastSeq) return false;
    this.lastSeq = seq;
    if (batch !== null && this.sink.writeShared) this.sink.writeShared(batch, frame);
    else this.sink.write(frame);
    this.checkBudget();
    return true;
  }

  /** Keeps a live event for after the (re)sync; past the limit, durable ones are re-read from the spine. */
  hold(event: BusEvent): void {
    if (this.backlog.length >= this.limits.backlogLimit) {
      this.backlog = [];
      this.backlogOverflowed = true;
    }
    this.backlog.push(event);
  }

  /** Writes a durable frame unless already delivered. Returns whether it was written. */
  writeDurable(seq: number, frame: string): boolean {
    if (seq <= this.lastSeq) return false;
    this.lastSeq = seq;
    this.sink.write(frame);
    this.host.countDelivered(1);
    this.checkBudget();
    return true;
  }

  /**
   * Writes CANVAS_READY (and, paint first, the CANVAS_READY_UPDATE after it) in pieces: text, and
   * cached snapshot bytes written as they are where the sink can (`writeBytes`). Its size is added
   * to the budget until the subscriber drains under the budget again, so a large snapshot does
   * not make a fast client look slow.
   */
  writeReady(parts: readonly FramePart[]): void {
    let bytes = 0;
    for (const part of parts) bytes += typeof part === 'string' ? Buffer.byteLength(part) : part.bytes.length;
    this.allowance = bytes;
    const sink = this.sink;
    for (const part of parts) {
      if (typeof part === 'string') sink.write(part);
      else if (sink.writeBytes) sink.writeBytes(part.bytes);
      else sink.write(part.text);
    }
    this.checkBudget();
  }

  /**
   * Telemetry: written while under half the budget, else coalesced (latest per key wins) or dropped.
   * `count` false: the caller counts what this returns (true = written now).
   */
  writeTelemetry(event: BusEvent, frame: string, count = true): boolean {
    if (this.coalesced === null && this.sink.bufferedBytes() <= this.limits.budgetBytes / 2) {
      this.sink.write(frame);
      if (count) this.host.countDelivered(1);
      this.checkBudget();
      return true;
    }
    this.coalesced ??= new Map();
    const key = telemetryKey(event);
    if (this.coalesced.has(key)) this.coalesced.delete(key);
    else if (this.coalesced.size >= this.limits.coalesceLimit) return false;
    this.coalesced.set(key, frame);
    this.scheduleTelemetryFlush();
    return false;
  }

  /** Writes coalesced telemetry once the subscriber is back under half its budget. */
  flushTelemetry(): void {
    if (this.coalesced === null || this.state !== 'live') return;
    if (this.sink.bufferedBytes() > this.limits.budgetBytes / 2) {
      this.scheduleTelemetryFlush();
      return;
    }
    const frames = [...this.coalesced.values()];
    this.coalesced = null;
    for (const frame of frames) this.sink.write(frame);
    this.host.countDelivered(frames.length);
    this.checkBudget();
  }

  private scheduleTelemetryFlush(): void {
    if (this.waitingForDrain || !this.sink.drained) return;
    this.waitingForDrain = true;
    this.sink.drained().then(
      () => {
        this.waitingForDrain = false;
        if (this.state === 'live') this.flushTelemetry();
      },
      () => {
        this.waitingForDrain = false;
      },
    );
  }

  /**
   * Closes the subscriber as a slow consumer once its buffered bytes pass the budget. Not while
   * {@link replaying}: the replay waits for the client to drain instead (see `StreamSync`).
   */
  checkBudget(): boolean {
    if (this.state === 'closed') return false;
    if (this.replaying) return true;
    // the hot path: a healthy reader is far under its budget by the cheap bound alone
    if (
      this.allowance === 0 &&
      this.sink.bufferedBytesBound &&
      this.sink.bufferedBytesBound() <= this.limits.budgetBytes
    )
      return true;
    const buffered = this.sink.bufferedBytes();
    if (buffered > this.limits.budgetBytes + this.allowance) {
      this.host.closeStream(this, 'slow_consumer');
      return false;
    }
    if (this.allowance > 0 && buffered <= this.limits.budgetBytes) this.allowance = 0;
    return true;
  }

  /** Whether this stream receives events of `canvasId` (null = project-wide). */
  wants(canvasId: string | null): boolean {
    return this.canvasId === null || canvasId === null || canvasId === this.canvasId;
  }
}

/** (type, job/run id): the identity under which telemetry is coalesced. */
export function telemetryKey(event: BusEvent): string {
  try {
    const env = JSON.parse(event.envelope) as {
      scope?: { job_id?: string; run_id?: string; canvas_id?: string };
      payload?: { job_id?: string; run_id?: string; turn_id?: string };
      turn_id?: string;
    };
    const id =
      env.payload?.job_id ??
      env.scope?.job_id ??
      env.payload?.run_id ??
      env.scope?.run_id ??
      env.turn_id ??
      env.payload?.turn_id ??
      env.scope?.canvas_id ??
      '';
    return `${event.type}|${id}`;
  } catch {
    return `${event.type}|`;
  }
}
