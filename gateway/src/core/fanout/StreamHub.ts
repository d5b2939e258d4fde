import { encodeCursor, partitionId, type Scope } from '@easel/schemas';
import type { Principal } from '../auth/Principal.ts';
import type { BusEvent } from '../bus/EventBus.ts';
import { fail, ok, type Result } from '../errors/GatewayError.ts';
import type { LensView } from '../lens/LensView.ts';
import type { PartitionId } from '../spine/EventSpine.ts';
import { decideResume, type ResumePlan } from './decideResume.ts';
import type { FanoutCore } from './FanoutCore.ts';
import type { FanoutMetrics, StreamKind } from './FanoutMetrics.ts';
import { CLIENT_CLOSED, FanoutStream, type StreamHost } from './FanoutStream.ts';
import { gatewayEnvelopeJson } from './gatewayEnvelope.ts';
import { PartitionFanout } from './PartitionFanout.ts';
import { StreamSync } from './StreamSync.ts';
import { commentFrame, encodeEventFrame, jitteredRetryMs, KEEP_ALIVE_FRAME } from './sseFrames.ts';
import type { StreamSink } from './StreamSink.ts';

export type { FanoutCore } from './FanoutCore.ts';

/** Tunables of {@link StreamHub}. */
export interface StreamHubOptions {
  /** Interval of the `: ka` keep-alive comment, ms. Default 10000 (contract: at least every 15 s). */
  keepAliveMs?: number;
  /** Range of the jittered `retry:` suggestion sent at open, ms. Default 1000–3000. */
  retryMs?: { min: number; max: number };
  /** Buffered bytes per subscriber past which it is closed as `slow_consumer`. Default 1 MiB. */
  budgetBytes?: number;
  /**
   * Events per spine read while replaying. Default 500. A replay is paced by the subscriber's
   * socket (it pauses once half of `budgetBytes` is buffered), not limited by the budget.
   */
  replayPageSize?: number;
  /** Live events held per stream while it replays; past it they are re-read from the spine. Default 10000. */
  backlogLimit?: number;
  /** Distinct telemetry keys coalesced per slow subscriber. Default 256. */
  coalesceLimit?: number;
  /**
   * How long a replay waits for a subscriber to drain under half its budget before closing it as
   * `slow_consumer` (a client that stopped reading), ms. Default 30000.
   */
  drainTimeoutMs?: number;
  metrics?: FanoutMetrics;
  /** Receives unexpected failures (a spine read that throws). */
  logger?: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  now?: () => number;
  random?: () => number;
}

/** What to open. */
export interface OpenStreamRequest {
  principal: Principal;
  /** Validated scope; `canvas_id` set for canvas streams. */
  scope: Scope;
  kind: StreamKind;
  /** The client's cursor (Last-Event-ID or `?after=`). */
  after?: string | null;
  sink: StreamSink;
  /** Aborts (closes) the stream, e.g. when the client disconnects. */
  signal?: AbortSignal;
  /**
   * Canvas streams: `?paint=state` — a viewer who reads every root gets the JSON `state` in each
   * CANVAS_READY snapshot, to paint before decoding the Yjs state, and its `update` in the
   * CANVAS_READY_UPDATE frame right after it (`canvasReadyFrames`).
   */
  paintState?: boolean;
  /** Run streams (`kind: 'run'`): the run whose events (`scope.run_id`) the stream carries. */
  runId?: string;
  /**
   * Run streams: where a stream opened without a usable cursor replays from (the partition seq
   * before the run's `run_started`), so it shows the whole run. Default 0.
   */
  runStartSeq?: number;
}

/** An open stream. */
export interface StreamHandle {
  readonly id: number;
  /** Resolves with the close reason once the stream ended. */
  readonly closed: Promise<string>;
  close(reason?: string): void;
}

const SENT_REASONS = new Set(['slow_consumer', 'lens_revoked', 'shutdown', 'token_expired', 'replaced']);

/**
 * Fan-out (contract §4): opens canvas, realtime and run streams, replays from a cursor without gap
 * or duplicate, fans live bus events out once per lens view, keeps streams alive, and drops
 * slow consumers. Transport-agnostic: it writes pre-serialized SSE text to {@link StreamSink}s.
 */
export class StreamHub implements StreamHost {
  private readonly partitions = new Map<PartitionId, PartitionFanout>();
  private readonly closers = new Map<FanoutStream, (reason: string) => void>();
  private readonly o: Required<Omit<StreamHubOptions, 'metrics' | 'logger'>>;
  private readonly metrics: FanoutMetrics;
  private nextId = 1;
  private readonly keepAliveTimer: NodeJS.Timeout;
  private readonly stopLens: () => void;
  private shuttingDown = false;
  private readonly sync: StreamSync;

  constructor(
    private readonly core: FanoutCore,
    private readonly options: StreamHubOptions = {},
  ) {
    this.o = {
      keepAliveMs: options.keepAliveMs ?? 10_000,
      retryMs: options.retryMs ?? { min: 1000, max: 3000 },
      budgetBytes: options.budgetBytes ?? 1024 * 1024,
      replayPageSize: options.replayPageSize ?? 500,
      backlogLimit: options.backlogLimit ?? 10_000,
      coalesceLimit: options.coalesceLimit ?? 256,
      drainTimeoutMs: options.drainTimeoutMs ?? 30_000,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
    };
    this.metrics = options.metrics ?? {};
    this.sync = new StreamSync(core, this.o, this, options.logger);
    this.keepAliveTimer = setInterval(() => this.keepAlive(), this.o.keepAliveMs);
    this.keepAliveTimer.unref();
    this.stopLens = core.onLensChanged((partition) => this.lensChanged(partition));
  }

  /** Number of open streams (all partitions). */
  get size(): number {
    return this.closers.size;
  }

  /**
   * Opens a stream. Errors (404 canvas, lens or storage failures) come back before anything is
   * written to the sink, so the caller can still answer with a JSON error.
   */
  async open(req: OpenStreamRequest): Promise<Result<StreamHandle>> {
    if (this.shuttingDown) return fail('unavailable', 'the gateway is shutting down; reconnect');
    const { principal, scope, kind, sink } = req;
    const partition = partitionId(scope);
    const canvasId = kind === 'canvas' ? (scope.canvas_id ?? null) : null;
    if (kind === 'canvas' && canvasId === null) throw new TypeError('a canvas stream needs scope.canvas_id');
    if (kind === 'run' && req.runId === undefined) throw new TypeError('a run stream needs runId');
    let view: LensView;
    let plan: ResumePlan;
    let head: number;
    try {
      if (kind === 'canvas' && !(await this.core.canvasExists(scope))) {
        return fail('not_found', `canvas ${canvasId} does not exist in project ${scope.project_id}`);
      }
      view = await this.core.lensView(principal, partition);
      let floor: number;
      [floor, head] = await Promise.all([this.core.spine.floor(partition), this.core.spine.head(partition)]);
      plan = decideResume(req.after, { epoch: this.core.spine.epoch, floor, head });
    } catch (err) {
      this.options.logger?.error({ err, partition }, 'opening a stream failed');
      return fail('unavailable', 'the event log is not available; retry');
    }
    if (req.signal?.aborted) return fail('unavailable', 'the client went away');

    const stream = new FanoutStream(
      this.nextId++,
      kind,
      principal,
      scope,
      partition,
      canvasId,
      view,
      sink,
      this.o,
      this,
      kind === 'run' ? (req.runId ?? null) : null,
      kind === 'run' ? (req.runStartSeq ?? 0) : null,
    );
    let resolveClosed!: (reason: string) => void;
    const closed = new Promise<string>((resolve) => {
      resolveClosed = resolve;
    });
    stream.openHead = head;
    stream.paintState = kind === 'canvas' && req.paintState === true;
    this.closers.set(stream, resolveClosed);
    this.partition(partition).add(stream); // subscribed before anything is read: live events wait in the backlog
    this.metrics.streamOpened?.(kind);

    const ready = await this.sync.sendReady(stream, plan);
    if (!ready.ok) {
      if (!stream.closed) {
        stream.state = 'closed';
        this.detach(stream);
        this.closers.delete(stream);
        this.metrics.streamClosed?.(kind, 'open_failed');
      }
      resolveClosed('open_failed');
      return ready;
    }
    const signal = req.signal;
    if (signal !== undefined) {
      const onAbort = () => this.closeStream(stream, CLIENT_CLOSED);
      signal.addEventListener('abort', onAbort, { once: true });
      closed.then(() => signal.removeEventListener('abort', onAbort));
      if (signal.aborted) onAbort();
    }
    void this.sync.catchUp(stream, ready.value);
    return ok({ id: stream.id, closed, close: (reason = 'shutdown') => this.closeStream(stream, reason) });
  }

  private lensChanged(partition: PartitionId): void {
    const fan = this.partitions.get(partition);
    if (!fan) return;
    for (const stream of fan.all()) {
      if (stream.closed) continue;
      if (stream.state === 'syncing') {
        stream.resyncRequested = true;
        continue;
      }
      // Hold live events from now on: they are projected with the new view once it is known.
      stream.state = 'syncing';
      stream.resyncRequested = true;
      void this.sync.catchUp(stream, null);
    }
  }

  /** The frame of `event` for `view` (null: hidden). */
  private frameFor = (view: LensView, event: BusEvent): string | null => {
    const json = this.core.projectEvent(view, event);
    if (json === null) return null;
    const cursor = event.seq === null ? null : encodeCursor({ epoch: this.core.spine.epoch, seq: event.seq });
    return encodeEventFrame(cursor, event.type, json);
  };

  private partition(partition: PartitionId): PartitionFanout {
    let fan = this.partitions.get(partition);
    if (!fan) {
      const created = new PartitionFanout(this.frameFor, this.metrics, this.o.now);
      fan = created;
      this.partitions.set(partition, created);
      created.unsubscribe = this.core.bus.subscribe(partition, (events) => created.onEvents(events));
    }
    return fan;
  }

  private detach(stream: FanoutStream): void {
    const fan = this.partitions.get(stream.partition);
    if (!fan) return;
    fan.remove(stream);
    if (fan.count === 0) {
      this.partitions.delete(stream.partition);
      fan.unsubscribe?.();
    }
  }

  /** Ends a stream: tells the client why (for the reasons of `STREAM_CLOSE_REASONS`), then closes the sink. */
  closeStream(stream: FanoutStream, reason: string): void {
    if (stream.closed) return;
    stream.state = 'closed';
    stream.backlog = [];
    this.detach(stream);
    if (stream.started && SENT_REASONS.has(reason)) {
      try {
        const payload =
          reason === 'shutdown'
            ? { reason, retry_after_ms: jitteredRetryMs(this.o.retryMs.min, this.o.retryMs.max, this.o.random) }
            : { reason };
        const json = gatewayEnvelopeJson('stream_closed', stream.scope, payload, this.o.now());
        stream.sink.write(encodeEventFrame(null, 'stream_closed', json) + commentFrame(`closed: ${reason}`));
      } catch {
        // the sink is already gone
      }
    }
    stream.sink.close(reason);
    const resolve = this.closers.get(stream);
    this.closers.delete(stream);
    this.metrics.streamClosed?.(stream.kind, reason);
    resolve?.(reason);
  }

  countDelivered(count: number): void {
    if (count > 0) this.metrics.delivered?.(count);
  }

  /** Writes the keep-alive comment to every stream and drops those over budget. */
  keepAlive(): void {
    for (const stream of [...this.closers.keys()]) {
      if (stream.closed || !stream.started) continue;
      stream.sink.write(KEEP_ALIVE_FRAME);
      if (stream.checkBudget()) stream.flushTelemetry();
    }
  }

  /** Closes every stream with `shutdown` (clients reconnect elsewhere or later) and stops timers. */
  close(reason = 'shutdown'): void {
    this.shuttingDown = true;
    clearInterval(this.keepAliveTimer);
    this.stopLens();
    for (const stream of [...this.closers.keys()]) this.closeStream(stream, reason);
    for (const fan of this.partitions.values()) fan.unsubscribe?.();
    this.partitions.clear();
  }

  /** For tests and diagnostics: the state of each open stream. */
  describe(): Array<{ id: number; kind: StreamKind; state: string; lastSeq: number; viewKey: string }> {
    return [...this.closers.keys()].map((s) => ({
      id: s.id,
      kind: s.kind,
      state: s.state,
      lastSeq: s.lastSeq,
      viewKey: s.view.key,
    }));
  }
}
