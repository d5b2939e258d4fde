import { encodeCursor } from '@easel/schemas';
import { fail, ok, type Result } from '../errors/GatewayError.ts';
import type { ResumePlan } from './decideResume.ts';
import { type FanoutStream, STREAM_ERROR, type StreamHost } from './FanoutStream.ts';
import { canvasReadyFrames } from './canvasReadyFrames.ts';
import { envelopeRunId } from './envelopeRunId.ts';
import { gatewayEnvelopeJson } from './gatewayEnvelope.ts';
import { encodeEventFrame, type FramePart, jitteredRetryMs, KEEP_ALIVE_FRAME, retryFrame } from './sseFrames.ts';
import type { FanoutCore } from './FanoutCore.ts';

/** How a replay ended: caught up, cut short by a lens change, or the stream closed. */
type ReplayEnd = 'done' | 'interrupted' | 'closed';

/** Longest single wait for a drain signal before the buffered bytes are looked at again, ms. */
const DRAIN_RECHECK_MS = 1000;
/** Re-check interval while a sink reports drained but is still over half the budget, ms. */
const DRAIN_POLL_MS = 10;

/** How a stream (re)synchronizes: a resume plan at open, or a lens change later. */
export type SyncPlan = ResumePlan | { kind: 'lens_changed' };

/** Tunables the synchronizer reads (resolved by the hub). */
export interface SyncOptions {
  retryMs: { min: number; max: number };
  budgetBytes: number;
  replayPageSize: number;
  /** How long one replay wait for the client to drain may last before it is dropped as `slow_consumer`, ms. */
  drainTimeoutMs: number;
  now: () => number;
  random: () => number;
}

/**
 * Brings one stream from "subscribed, holding live events" to live (contract §4): sends the
 * preamble and CANVAS_READY, replays the spine after the client's cursor page by page (paced by
 * the client's socket), then drains the held events skipping what was already covered, so
 * there is no gap and no duplicate between replay and live. Also re-runs after a lens change.
 */
export class StreamSync {
  /**
   * Canvas streams whose position a fresh snapshot moved back (lens change): how far they had
   * got. Their replay re-sends the canvas's events after the snapshot (the client rebuilt its
   * state from it) but not the project-wide events up to here, which it has already.
   */
  private readonly rewound = new WeakMap<FanoutStream, number>();

  constructor(
    private readonly core: FanoutCore,
    private readonly o: SyncOptions,
    private readonly host: StreamHost,
    private readonly logger?: { error(obj: object, msg?: string): void },
  ) {}

  /**
   * Writes the preamble (first time) and CANVAS_READY, and says where to replay from
   * (null: no replay). Nothing is written when it fails.
   */
  async sendReady(stream: FanoutStream, plan: SyncPlan, first = true): Promise<Result<number | null>> {
    let frame: FramePart[] | null = null;
    let replayFrom: number | null = null;
    if (stream.kind === 'canvas') {
      const snapshot = plan.kind !== 'resume';
      const reset = plan.kind === 'reset' || plan.kind === 'lens_changed';
      let ready: Awaited<ReturnType<FanoutCore['canvasReady']>>;
      try {
        ready = await this.core.canvasReady(stream.principal, stream.scope, stream.view, {
          snapshot,
          reset,
          paintState: stream.paintState,
        });
      } catch (err) {
        this.logger?.error({ err, partition: stream.partition }, 'canvasReady failed');
        return fail('unavailable', 'the canvas could not be loaded; retry');
      }
      if (!ready.ok) return ready;
      let payload = ready.value.payload;
      if (plan.kind === 'resume') {
        payload = { ...payload, cursor: encodeCursor({ epoch: this.core.spine.epoch, seq: plan.afterSeq }) };
        replayFrom = plan.afterSeq;
      } else {
        if (plan.kind === 'lens_changed') payload = { ...payload, reason: 'lens_changed' };
        // Everything up to the snapshot's seq is in it; re-read only if it is older than what was sent.
        if (ready.value.seq < stream.lastSeq) replayFrom = ready.value.seq;
        else stream.lastSeq = ready.value.seq;
      }
      const now = this.o.now();
      // Paint first (a full viewer's snapshot with `state`): CANVAS_READY, then CANVAS_READY_UPDATE.
      frame = canvasReadyFrames(payload, (type, p) => gatewayEnvelopeJson(type, stream.scope, p, now));
    } else if (plan.kind === 'resume') {
      replayFrom = plan.afterSeq;
    } else if (stream.freshFrom !== null && plan.kind !== 'lens_changed') {
      // A run stream without a usable cursor shows the whole run.
      replayFrom = stream.freshFrom;
    } else if (plan.kind === 'reset' && plan.why === 'compacted') {
      replayFrom = Math.max(0, (await this.core.spine.floor(stream.partition).catch(() => 1)) - 1);
    }
    if (stream.closed) return fail('unavailable', 'the stream closed');
    if (first) {
      const retry = jitteredRetryMs(this.o.retryMs.min, this.o.retryMs.max, this.o.random);
      stream.sink.write(retryFrame(retry) + KEEP_ALIVE_FRAME);
      stream.started = true;
    }
    // Everything up to replayFrom was delivered or is covered: the replay continues after it.
    if (replayFrom !== null) {
      if (replayFrom < stream.lastSeq)
        this.rewound.set(stream, Math.max(stream.lastSeq, this.rewound.get(stream) ?? 0));
      stream.lastSeq = replayFrom;
    }
    if (frame !== null) stream.writeReady(frame);
    return ok(replayFrom);
  }

  /** Replays from the spine (when asked), then drains the backlog and goes live; repeats on lens changes. */
  async catchUp(stream: FanoutStream, replayFrom: number | null): Promise<void> {
    try {
      let from = replayFrom;
      // lastSeq when the backlog last sent the replay round again (a round that did not move it on
      // held only events a replay does not read, e.g. project-wide ones on a canvas stream).
      let rereadAt = -1;
      for (;;) {
        const end = from === null ? 'done' : await this.replay(stream, from);
        if (stream.closed || end === 'closed') return;
        if (stream.resyncRequested) {
          stream.resyncRequested = false;
          const next = await this.resync(stream);
          if (!next.ok) return this.host.closeStream(stream, STREAM_ERROR);
          // A replay cut short by the lens change goes on after what was sent (a canvas stream's
          // fresh snapshot covers up to lastSeq; a realtime or run stream has no snapshot).
          from = next.value ?? (end === 'interrupted' ? stream.lastSeq : null);
          continue;
        }
        if (stream.backlogOverflowed) {
          // Held events were dropped: re-read the durable ones from the spine.
          from = stream.lastSeq > 0 ? stream.lastSeq : stream.openHead;
          continue;
        }
        if (from !== null && stream.lastSeq !== rereadAt && this.backlogTooLarge(stream)) {
          // Much arrived during the replay's waits: take it from the spine too, paced, rather
          // than all at once against the live budget.
          rereadAt = stream.lastSeq;
          from = stream.lastSeq;
          continue;
        }
        this.drainBacklog(stream);
        if (stream.state === 'syncing') stream.state = 'live';
        stream.flushTelemetry();
        return;
      }
    } catch (err) {
      this.logger?.error({ err, partition: stream.partition }, 'stream catch-up failed');
      this.host.closeStream(stream, STREAM_ERROR);
    }
  }

  /**
   * Re-resolves the view after a lens change; canvas streams whose permissions changed get a fresh
   * CANVAS_READY. A stream whose permissions are the same (the change was about other roles) goes
   * on where it was: no snapshot, every event delivered as itself (null: nothing to re-read).
   */
  private async resync(stream: FanoutStream): Promise<Result<number | null>> {
    const before = stream.view.key;
    try {
      stream.view = await this.core.lensView(stream.principal, stream.partition);
    } catch (err) {
      this.logger?.error({ err, partition: stream.partition }, 'lensView failed');
      return fail('unavailable', 'the lens policy could not be loaded');
    }
    if (stream.closed) return fail('unavailable', 'the stream closed');
    if (stream.view.key === before) return ok(null);
    return this.sendReady(stream, { kind: 'lens_changed' }, false);
  }

  /**
   * Writes spine events after `fromSeq` until caught up with the spine's head, page by page.
   *
   * Paced by the client's socket, not by the live byte budget (a backlog larger than the budget
   * is the normal case for a resuming client): once more than half the budget is buffered it
   * waits for the sink to drain, and drops the client as `slow_consumer` only when a wait lasts
   * longer than `drainTimeoutMs`. Live events meanwhile wait in the stream's backlog; when much
   * arrived, `catchUp` replays again rather than drain it at once (see {@link backlogTooLarge}).
   * A client that reads, but slower than the writes arrive, keeps catching up from the spine
   * this way (memory stays bounded: half the budget buffered, the backlog limit held) instead
   * of being dropped. Stops early on a lens change (`interrupted`: the caller re-resolves the
   * view first).
   */
  private async replay(stream: FanoutStream, fromSeq: number): Promise<ReplayEnd> {
    const { spine } = this.core;
    const epoch = spine.epoch;
    let after = fromSeq;
    // Run streams read the run's canvas (every event of a run is on it) and keep the run's events.
    const readCanvas = stream.canvasId ?? (stream.runId !== null ? (stream.scope.canvas_id ?? null) : null);
    // A canvas stream also gets the partition's project-wide events live (PartitionFanout), so
    // its replay reads them too; a run stream keeps only its run's events (always on the canvas).
    const options =
      readCanvas === null
        ? { limit: this.o.replayPageSize }
        : { canvasId: readCanvas, limit: this.o.replayPageSize, projectWide: stream.kind === 'canvas' };
    stream.replaying = true;
    try {
      for (;;) {
        stream.backlogOverflowed = false;
        const page = await spine.read(stream.partition, after, options);
        if (stream.closed) return 'closed';
        for (const stored of page) {
          if (stream.resyncRequested) return 'interrupted';
          after = stored.seq;
          if (stored.seq <= stream.lastSeq) continue;
          if (stored.canvasId === null && stored.seq <= (this.rewound.get(stream) ?? 0)) {
            stream.lastSeq = stored.seq; // a project-wide event the client got before the rewind
            continue;
          }
          if (stream.runId !== null && envelopeRunId(stored.envelope) !== stream.runId) {
            stream.lastSeq = stored.seq;
            continue;
          }
          const json = this.core.projectEvent(stream.view, stored);
          if (json === null) {
            stream.lastSeq = stored.seq;
            continue;
          }
          stream.writeDurable(
            stored.seq,
            encodeEventFrame(encodeCursor({ epoch, seq: stored.seq }), stored.type, json),
          );
          if (stream.closed) return 'closed';
          if (this.overThreshold(stream)) {
            if (!(await this.waitDrained(stream))) {
              this.host.closeStream(stream, 'slow_consumer');
              return 'closed';
            }
          }
        }
        if (page.length < this.o.replayPageSize && !stream.backlogOverflowed) return 'done';
      }
    } finally {
      stream.replaying = false;
    }
  }

  /**
   * Whether the durable events held during a replay, not yet covered by it, would take the
   * subscriber over half its budget if written at once (envelope sizes: close to the frames').
   */
  private backlogTooLarge(stream: FanoutStream): boolean {
    let bytes = stream.sink.bufferedBytes();
    const limit = this.o.budgetBytes / 2;
    for (const event of stream.backlog) {
      if (event.seq === null || event.seq <= stream.lastSeq) continue;
      bytes += event.envelope.length;
      if (bytes > limit) return true;
    }
    return false;
  }

  /** More than half the budget is buffered: a replay pauses until the client takes it. */
  private overThreshold(stream: FanoutStream): boolean {
    const limit = this.o.budgetBytes / 2;
    const sink = stream.sink;
    if (sink.bufferedBytesBound && sink.bufferedBytesBound() <= limit) return false;
    return sink.bufferedBytes() > limit;
  }

  /**
   * Waits until the subscriber is back under half its budget; false when it did not get there
   * within `drainTimeoutMs` (a client that stopped reading), the sink cannot signal a drain, or
   * the stream closed meanwhile.
   */
  private async waitDrained(stream: FanoutStream): Promise<boolean> {
    const sink = stream.sink;
    if (!sink.drained) return false;
    const deadline = this.o.now() + this.o.drainTimeoutMs;
    while (!stream.closed && this.overThreshold(stream)) {
      const left = deadline - this.o.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const signalled = await Promise.race([
        sink.drained().then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), Math.min(left, DRAIN_RECHECK_MS));
        }),
      ]);
      clearTimeout(timer);
      // The sink's own mark can sit above half the budget: it signals at once while the bytes
      // are still over ours. Poll then, rather than spin on a resolved promise.
      if (signalled && !stream.closed && this.overThreshold(stream)) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(left, DRAIN_POLL_MS)));
      }
    }
    return !stream.closed;
  }

  /** Delivers what arrived while syncing, skipping what the replay or snapshot covered. */
  private drainBacklog(stream: FanoutStream): void {
    const backlog = stream.backlog;
    stream.backlog = [];
    const epoch = this.core.spine.epoch;
    for (const event of backlog) {
      if (stream.closed) return;
      if (event.seq !== null && event.seq <= stream.lastSeq) continue;
      const json = this.core.projectEvent(stream.view, event);
      if (json === null) {
        if (event.seq !== null) stream.lastSeq = event.seq;
        continue;
      }
      if (event.seq === null) {
        stream.sink.write(encodeEventFrame(null, event.type, json));
        this.host.countDelivered(1);
      } else {
        stream.writeDurable(event.seq, encodeEventFrame(encodeCursor({ epoch, seq: event.seq }), event.type, json));
      }
    }
    stream.checkBudget();
  }
}
