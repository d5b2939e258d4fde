import { COMMAND_TYPES } from '@easel/schemas';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { FanoutMetrics, StreamKind } from '../core/fanout/FanoutMetrics.ts';

/** The gateway's Prometheus metrics (contract §11 `/metrics`). */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** Fan-out hooks (subscribers, disconnects, lag, deliveries). */
  readonly fanout: FanoutMetrics;
  /** One command's result: `status` is committed, duplicate or the error code. */
  command(type: string, status: string): void;
  /** One spine append of `events` events. */
  append(events: number): void;
  /** The `/metrics` body and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Collect Node process metrics (CPU, memory, event loop lag). Default true. */
  processMetrics?: boolean;
  /** Metric name prefix. Default `easel_`. */
  prefix?: string;
}

/** Command types are bounded label values: anything else is counted as `unknown`. */
function typeLabel(type: string): string {
  return Object.hasOwn(COMMAND_TYPES, type) ? type : 'unknown';
}

/** Builds a fresh registry with every Easel metric (one per gateway, so tests can run many). */
export function createMetrics(options: MetricsOptions = {}): GatewayMetrics {
  const registry = new Registry();
  const p = options.prefix ?? 'easel_';
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const commands = new Counter({
    name: `${p}commands_total`,
    help: 'Commands handled, by type and status (committed, duplicate, or error code).',
    labelNames: ['type', 'status'] as const,
    registers: [registry],
  });
  const appends = new Counter({
    name: `${p}appends_total`,
    help: 'Events appended to the spine.',
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: `${p}append_batch_size`,
    help: 'Events per spine append.',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [registry],
  });
  const lag = new Histogram({
    name: `${p}fanout_lag_seconds`,
    help: 'Time from an event’s timestamp to its fan-out to subscribers, by stream kind.',
    labelNames: ['stream'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const subscribers = new Gauge({
    name: `${p}subscribers`,
    help: 'Open SSE streams, by stream kind.',
    labelNames: ['stream'] as const,
    registers: [registry],
  });
  const disconnects = new Counter({
    name: `${p}disconnects_total`,
    help: 'Streams ended, by reason (client_closed, slow_consumer, shutdown, ...).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: `${p}deliveries_total`,
    help: 'Event frames written to subscribers.',
    registers: [registry],
  });
  for (const kind of ['canvas', 'realtime'] satisfies StreamKind[]) subscribers.set({ stream: kind }, 0);
  // Per-command and per-event updates go to label children looked up once (prom-client hashes
  // the label object on every labelled call otherwise).
  const lagOf = { canvas: lag.labels({ stream: 'canvas' }), realtime: lag.labels({ stream: 'realtime' }) };
  const commandChildren = new Map<string, Map<string, { inc(): void }>>();
  const commandCounter = (type: string, status: string): { inc(): void } => {
    const label = typeLabel(type);
    let byStatus = commandChildren.get(label);
    if (byStatus === undefined) {
      byStatus = new Map();
      commandChildren.set(label, byStatus);
    }
    let child = byStatus.get(status);
    if (child === undefined) {
      child = commands.labels({ type: label, status });
      byStatus.set(status, child);
    }
    return child;
  };

  return {
    registry,
    fanout: {
      streamOpened: (kind) => subscribers.inc({ stream: kind }),
      streamClosed: (kind, reason) => {
        subscribers.dec({ stream: kind });
        disconnects.inc({ reason });
      },
      delivered: (count) => deliveries.inc(count),
      lag: (kind, seconds) => lagOf[kind].observe(seconds),
    },
    command: (type, status) => commandCounter(type, status).inc(),
    append: (events) => {
      appends.inc(events);
      batchSize.observe(events);
    },
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
