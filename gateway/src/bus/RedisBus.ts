import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { BUS_DISCONNECTED_TOPIC, BUS_RESYNC_TOPIC, type BusEvent, type EventBus } from '../core/bus/EventBus.ts';
import type { PartitionId } from '../core/spine/EventSpine.ts';
import { MemoryBus } from './MemoryBus.ts';

/** The part of a pino logger the Redis bus uses. */
export interface RedisBusLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface RedisBusOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  readonly url: string;
  /** Channel name prefix; nodes of one deployment share it. Default `easel`. */
  readonly prefix?: string;
  /** This node's id; messages carrying it are ignored on receipt. Default: host, pid and a random part. */
  readonly nodeId?: string;
  /** Where connection losses, dropped publishes and throwing handlers are reported. Default: console. */
  readonly logger?: RedisBusLogger;
  /** Longest wait between reconnect attempts, ms. Default 1000. */
  readonly maxReconnectDelayMs?: number;
}

/** `ready`: both connections up. `connecting`: not yet up since start. `down`: lost or unreachable. */
export type RedisBusStatus = 'ready' | 'connecting' | 'down';

/** One partition's message: origin node and the events as `[seq, canvasId, type, envelope]`. */
interface PartitionMessage {
  o: string;
  e: Array<[number | null, string | null, string, string]>;
}

const consoleLogger: RedisBusLogger = {
  warn(details, message) {
    console.warn(message, details);
  },
  error(details, message) {
    console.error(message, details);
  },
};

/** At most one "publish dropped" warning per this many ms (with the count dropped meanwhile). */
const WARN_EVERY_MS = 10_000;

/**
 * The scale-out bus: each node publishes the events it committed on Redis pub/sub, one message
 * per partition on `${prefix}:p:${partition}`, and subscribes to a partition's channel only while
 * it has local subscribers. Local subscribers get this node's events synchronously (as
 * {@link MemoryBus}); other nodes' events arrive asynchronously. Pub/sub is at most once: wrap the
 * bus in `SequencedBus` to repair what a Redis outage lost from the spine ({@link onReconnect}
 * tells it when to look). Publishing never throws or blocks; while Redis is down only local
 * subscribers get the events. Broadcasts are at most once too: when the subscriber connection
 * is lost this node's broadcast handlers get `BUS_DISCONNECTED_TOPIC`, after it is back
 * `BUS_RESYNC_TOPIC` (what others broadcast meanwhile is lost). A node whose own publishes fail
 * (its publish connection alone is down, or Redis refuses PUBLISH) gets no such signal and neither
 * do the others: on shared spines `GatewayCore`'s durable change marker (`ChangeMarker`) bounds how
 * long such a lost broadcast goes unnoticed.
 */
export class RedisBus implements EventBus {
  readonly nodeId: string;
  private readonly prefix: string;
  private readonly local: MemoryBus;
  private readonly logger: RedisBusLogger;
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly reconnectListeners = new Set<() => void>();
  private readonly broadcastChannel: string;
  private readonly partitionChannelPrefix: string;
  private everReady = false;
  private failedOnce = false;
  private closed = false;
  private subReady = false;
  /** The subscriber connection was up before: a `ready` now is a reconnect. */
  private subscribedOnce = false;
  private droppedPublishes = 0;
  private lastDropWarn = 0;
  private lastErrorWarn = 0;
  private readyWaiters: Array<(ready: boolean) => void> = [];

  constructor(options: RedisBusOptions) {
    this.prefix = options.prefix ?? 'easel';
    this.nodeId = options.nodeId ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
    this.logger = options.logger ?? consoleLogger;
    this.local = new MemoryBus({ logger: this.logger });
    this.broadcastChannel = `${this.prefix}:broadcast`;
    this.partitionChannelPrefix = `${this.prefix}:p:`;
    const maxDelay = options.maxReconnectDelayMs ?? 1000;
    const common = {
      // Commands fail at once while disconnected: nothing queues up unbounded during an outage.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      autoResubscribe: false,
      autoResendUnfulfilledCommands: false,
      connectTimeout: 5000,
      retryStrategy: (times: number) => Math.min(times * 50, maxDelay),
    };
    this.pub = new Redis(options.url, { ...common, connectionName: `${this.nodeId}:pub` });
    this.sub = new Redis(options.url, { ...common, connectionName: `${this.nodeId}:sub` });
    for (const [name, conn] of [
      ['pub', this.pub],
      ['sub', this.sub],
    ] as const) {
      conn.on('error', (err: Error) => this.connectionError(name, err));
      conn.on('ready', () => this.connectionReady());
    }
    this.sub.on('ready', () => void this.resubscribe());
    this.sub.on('close', () => {
      const wasReady = this.subReady;
      this.subReady = false;
      // Other nodes' broadcasts stop arriving until `resubscribe` (then BUS_RESYNC_TOPIC).
      if (wasReady && !this.closed) this.local.broadcast(BUS_DISCONNECTED_TOPIC, '');
    });
    this.sub.on('message', (channel: string, message: string) => this.receive(channel, message));
  }

  /** Where this bus stands (for `/readyz`). */
  status(): RedisBusStatus {
    if (this.closed) return 'down';
    if (this.pub.status === 'ready' && this.subReady) return 'ready';
    return this.everReady || this.failedOnce ? 'down' : 'connecting';
  }

  /** Resolves true once both connections are ready, false after `timeoutMs`. */
  async whenReady(timeoutMs = 5000): Promise<boolean> {
    if (this.closed) return false;
    if (this.status() === 'ready') return true;
    let timer: NodeJS.Timeout | undefined;
    const ready = await Promise.race([
      new Promise<boolean>((resolve) => this.readyWaiters.push(resolve)),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return ready;
  }

  /**
   * Calls `listener` each time the subscriber connection is (re)established with its
   * subscriptions in place: messages published while it was not may have been missed.
   * Returns its unsubscribe.
   */
  onReconnect(listener: () => void): () => void {
    const entry = () => listener();
    this.reconnectListeners.add(entry);
    return () => {
      this.reconnectListeners.delete(entry);
    };
  }

  publish(events: readonly BusEvent[]): void {
    if (this.closed || events.length === 0) return;
    this.local.publish(events);
    const byPartition = new Map<PartitionId, PartitionMessage['e']>();
    for (const e of events) {
      const row: PartitionMessage['e'][number] = [e.seq, e.canvasId, e.type, e.envelope];
      const list = byPartition.get(e.partition);
      if (list === undefined) byPartition.set(e.partition, [row]);
      else list.push(row);
    }
    for (const [partition, rows] of byPartition) {
      const message: PartitionMessage = { o: this.nodeId, e: rows };
      this.send(this.partitionChannelPrefix + partition, JSON.stringify(message));
    }
  }

  subscribe(partition: PartitionId, handler: (events: readonly BusEvent[]) => void): () => void {
    if (this.closed) return () => {};
    const first = this.local.subscriberCount(partition) === 0;
    const unsubscribe = this.local.subscribe(partition, handler);
    if (first) this.redisSubscribe([this.partitionChannelPrefix + partition]);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      unsubscribe();
      if (!this.closed && this.local.subscriberCount(partition) === 0) {
        this.sub.unsubscribe(this.partitionChannelPrefix + partition).catch(() => {
          // Down: the channel is not resubscribed on reconnect (no local subscriber left).
        });
      }
    };
  }

  broadcast(topic: string, data: string): void {
    if (this.closed) return;
    this.local.broadcast(topic, data);
    this.send(this.broadcastChannel, JSON.stringify({ o: this.nodeId, t: topic, d: data }));
  }

  onBroadcast(handler: (topic: string, data: string) => void): () => void {
    return this.local.onBroadcast(handler);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reconnectListeners.clear();
    for (const wake of this.readyWaiters) wake(false);
    this.readyWaiters = [];
    await this.local.close();
    await Promise.all([quit(this.pub), quit(this.sub)]);
  }

  private send(channel: string, message: string): void {
    if (this.pub.status !== 'ready') {
      this.dropped(null);
      return;
    }
    this.pub.publish(channel, message).catch((err: unknown) => this.dropped(err));
  }

  /** Counts a publish that did not reach Redis; warns at most once per {@link WARN_EVERY_MS}. */
  private dropped(err: unknown): void {
    if (this.closed) return;
    this.droppedPublishes += 1;
    const now = Date.now();
    if (now - this.lastDropWarn < WARN_EVERY_MS) return;
    this.lastDropWarn = now;
    this.logger.warn(
      { err, dropped: this.droppedPublishes, status: this.pub.status },
      'redis bus: publish not sent (other nodes repair from the spine)',
    );
    this.droppedPublishes = 0;
  }

  private connectionError(name: string, err: Error): void {
    this.failedOnce = true;
    if (this.closed) return;
    const now = Date.now();
    if (now - this.lastErrorWarn < WARN_EVERY_MS) return;
    this.lastErrorWarn = now;
    this.logger.warn({ err, connection: name }, 'redis bus: connection error; reconnecting');
  }

  private connectionReady(): void {
    if (this.status() !== 'ready') return;
    this.everReady = true;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const wake of waiters) wake(true);
  }

  /** Subscribes the channels this node needs after (re)connecting, then tells the listeners. */
  private async resubscribe(): Promise<void> {
    const channels = [this.broadcastChannel];
    for (const partition of this.local.partitions()) channels.push(this.partitionChannelPrefix + partition);
    try {
      await this.sub.subscribe(...channels);
    } catch (err) {
      // The connection dropped again; the next `ready` retries.
      this.logger.warn({ err }, 'redis bus: resubscribe failed');
      return;
    }
    if (this.closed) return;
    this.subReady = true;
    this.connectionReady();
    // Broadcasts of other nodes sent while it was down are lost (pub/sub keeps nothing).
    if (this.subscribedOnce) this.local.broadcast(BUS_RESYNC_TOPIC, '');
    this.subscribedOnce = true;
    for (const listener of [...this.reconnectListeners]) {
      try {
        listener();
      } catch (err) {
        this.logger.error({ err }, 'redis bus: reconnect listener threw; skipped it');
      }
    }
  }

  private redisSubscribe(channels: string[]): void {
    // Not connected: `resubscribe` subscribes it on the next `ready` (it lists channels then).
    if (this.sub.status !== 'ready') return;
    this.sub.subscribe(...channels).catch(() => {
      // Lost meanwhile: `resubscribe` covers it on the next `ready`.
    });
  }

  private receive(channel: string, message: string): void {
    if (this.closed) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch (err) {
      this.logger.warn({ err, channel }, 'redis bus: message is not JSON; ignored');
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    const origin = (parsed as { o?: unknown }).o;
    if (origin === this.nodeId) return; // delivered locally when published
    if (channel === this.broadcastChannel) {
      const { t, d } = parsed as { t?: unknown; d?: unknown };
      if (typeof t === 'string' && typeof d === 'string') this.local.broadcast(t, d);
      return;
    }
    if (!channel.startsWith(this.partitionChannelPrefix)) return;
    const partition = channel.slice(this.partitionChannelPrefix.length);
    const rows = (parsed as { e?: unknown }).e;
    if (!Array.isArray(rows)) return;
    const events: BusEvent[] = [];
    for (const row of rows) {
      if (!isRow(row)) {
        this.logger.warn({ channel }, 'redis bus: malformed event in message; ignored the message');
        return;
      }
      events.push({ partition, seq: row[0], canvasId: row[1], type: row[2], envelope: row[3] });
    }
    this.local.publish(events);
  }
}

function isRow(row: unknown): row is PartitionMessage['e'][number] {
  return (
    Array.isArray(row) &&
    row.length === 4 &&
    (row[0] === null || Number.isSafeInteger(row[0])) &&
    (row[1] === null || typeof row[1] === 'string') &&
    typeof row[2] === 'string' &&
    typeof row[3] === 'string'
  );
}

/** Quits politely when connected; otherwise drops the connection (and its reconnect loop). */
async function quit(conn: Redis): Promise<void> {
  if (conn.status === 'ready') {
    try {
      await conn.quit();
      return;
    } catch {
      // fall through
    }
  }
  conn.disconnect();
}
