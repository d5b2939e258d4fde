import type {
  Actor,
  EventType,
  FramePayload,
  JsonValue,
  PartialResultPayload,
  PluginState,
  PluginStatusPayload,
  ProgressPayload,
  Scope,
  WarningPayload,
} from '@easel/schemas';
import { DERIVED_FROM, type DerivedSources, NO_SOURCES } from '../core/DerivedSources.ts';
import { LatestWins } from './LatestWins.ts';
import { sanitizeForEvent } from './sanitizeForEvent.ts';

/** Where telemetry goes: `GatewayCore.publishTelemetry` (bus → canvas stream and `/v1/realtime`). */
export interface TelemetrySink {
  publishTelemetry(scope: Scope, actor: Actor, type: EventType, payload: object): void;
}

/** Warnings published per job at most (the rest are counted, not sent). */
const MAX_WARNING_EVENTS = 100;

/** Options of {@link JobTelemetry}. */
export interface JobTelemetryOptions {
  readonly sink: TelemetrySink;
  readonly scope: Scope;
  readonly actor: Actor;
  /** Absent for a single plugin call. */
  readonly jobId?: string;
  /** Smallest gap between two `progress` (and two `partial_result`) events, ms. Default 66 (≈ 15 Hz). */
  readonly intervalMs?: number;
  /**
   * What the work has read so far (the job's frames): stamped on every event whose data a plugin
   * computed (`derived_from`, internal; `projectEvent` shows the data only to viewers who read
   * all of it). Absent: those events carry no stamp and count as derived from everything.
   */
  readonly sources?: () => DerivedSources;
}

/**
 * The telemetry of one job or plugin call (contract §4, non-durable): `progress` and
 * `partial_result` coalesced to one per interval (latest wins), `plugin_status`, `frame`, and
 * `warning` (the first 100). Payloads follow `schemas/src/events/payloads/`; plugin output is
 * sanitized (no bytes, no `data:` URIs). Publishing never throws.
 */
export class JobTelemetry {
  private readonly progressOut: LatestWins<ProgressPayload>;
  private readonly partialOut: LatestWins<PartialResultPayload>;
  private warnings = 0;

  constructor(private readonly o: JobTelemetryOptions) {
    const interval = o.intervalMs ?? 66;
    this.progressOut = new LatestWins((p) => this.publish('progress', p), interval);
    this.partialOut = new LatestWins((p) => this.publish('partial_result', p), interval);
  }

  progress(
    percent: number,
    extra: { plugin?: string; tool?: string; frame?: number; frames_total?: number } = {},
  ): void {
    const clamped = Math.min(100, Math.max(0, Number.isFinite(percent) ? percent : 0));
    this.progressOut.push({ ...this.ids(), percent: Math.round(clamped * 10) / 10, ...extra });
  }

  pluginStatus(
    name: string,
    state: PluginState,
    extra: {
      reason?: string;
      tool?: string;
      phase?: 'started' | 'finished';
      frame?: number;
      ok?: boolean;
      ms?: number;
    },
  ): void {
    const { reason, ...rest } = extra;
    const payload: PluginStatusPayload = {
      name,
      state,
      ...(reason !== undefined ? { reason: reason.slice(0, 1000) } : {}),
      ...this.ids(),
      ...rest,
    };
    this.publish('plugin_status', payload, false);
  }

  frame(index: number, size: { width?: number; height?: number } = {}): void {
    if (this.o.jobId === undefined) return;
    const payload: FramePayload = { job_id: this.o.jobId, index, ...size };
    this.publish('frame', payload);
  }

  partial(plugin: string, tool: string, value: JsonValue, frame?: number): void {
    const clean = sanitizeForEvent(value, { maxString: 1024, maxEntries: 200, maxDepth: 12 });
    const payload: PartialResultPayload = {
      ...this.ids(),
      plugin,
      tool,
      payload: clean !== null && typeof clean === 'object' && !Array.isArray(clean) ? clean : { value: clean },
      ...(frame !== undefined ? { frame } : {}),
    };
    this.partialOut.push(payload);
  }

  warning(message: string, plugin?: string): void {
    this.warnings += 1;
    if (this.warnings > MAX_WARNING_EVENTS) return;
    const text = message.trim().slice(0, 2000) || '(empty warning)';
    const payload: WarningPayload = { ...this.ids(), ...(plugin !== undefined ? { plugin } : {}), message: text };
    // A warning without a plugin is the gateway's own (device fallback): derived from nothing.
    this.publish(
      'warning',
      plugin !== undefined ? payload : { ...payload, [DERIVED_FROM]: NO_SOURCES },
      plugin !== undefined,
    );
  }

  /** Sends what is pending now (the last progress and partial result). */
  flush(): void {
    this.partialOut.flush();
    this.progressOut.flush();
  }

  /** Drops what is pending; nothing is published after. */
  stop(): void {
    this.partialOut.stop();
    this.progressOut.stop();
  }

  private ids(): { job_id?: string } {
    return this.o.jobId !== undefined ? { job_id: this.o.jobId } : {};
  }

  /** `derived`: the payload holds data computed from the work's input (stamped with its sources). */
  private publish(type: EventType, payload: object, derived = true): void {
    try {
      const sources = derived ? this.o.sources : undefined;
      const stamped = sources ? { ...payload, [DERIVED_FROM]: sources() } : payload;
      this.o.sink.publishTelemetry(this.o.scope, this.o.actor, type, stamped);
    } catch {
      // telemetry is best effort (contract §4)
    }
  }
}
