import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import type { PartitionId, ReadOptions, StoredEvent } from '../spine/EventSpine.ts';
import { MemorySpine } from '../testing/MemorySpine.ts';
import { describeBusContract } from './busContract.ts';
import type { BusEvent } from './EventBus.ts';
import { type ReconnectSignal, SequencedBus, type SequencedBusLogger, type SpineReader } from './SequencedBus.ts';

const P = 'acme/site';
const quiet: SequencedBusLogger = { warn: () => {}, error: () => {} };

describeBusContract('SequencedBus over MemoryBus, empty spine', async () => {
  const bus = new SequencedBus(new MemoryBus({ logger: quiet }), new MemorySpine(), { logger: quiet });
  return { bus, cleanup: () => bus.close() };
});

/**
 * The inner bus of these tests: an in-process bus whose deliveries the test chooses (it publishes
 * what "arrived", in any order, duplicated or not at all) and that can signal a reconnect.
 */
class ArrivalBus extends MemoryBus implements ReconnectSignal {
  private readonly listeners = new Set<() => void>();
  onReconnect(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  reconnect(): void {
    for (const listener of this.listeners) listener();
  }
}

/** The spine as the wrapper sees it, with the reads counted (and optionally slowed or failing). */
class CountingReader implements SpineReader {
  reads = 0;
  inFlight = 0;
  maxInFlight = 0;
  failNext = 0;
  delayMs = 0;
  constructor(private readonly spine: MemorySpine) {}
  async read(partition: PartitionId, afterSeq: number, options?: ReadOptions): Promise<StoredEvent[]> {
    this.reads += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (this.failNext > 0) {
        this.failNext -= 1;
        throw new Error('spine unavailable');
      }
      return await this.spine.read(partition, afterSeq, options);
    } finally {
      this.inFlight -= 1;
    }
  }
  head(partition: PartitionId): Promise<number> {
    return this.spine.head(partition);
  }
}

async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

interface Setup {
  spine: MemorySpine;
  reader: CountingReader;
  inner: ArrivalBus;
  bus: SequencedBus;
  /** Durable seqs the subscriber received, in order. */
  seqs: number[];
  received: BusEvent[];
  /** Appends `n` events and waits until durable; returns them as the bus carries them. */
  append(n: number): Promise<BusEvent[]>;
  arrive(...events: BusEvent[]): void;
}

const open: SequencedBus[] = [];
afterEach(async () => {
  for (const bus of open.splice(0)) await bus.close();
});

async function setup(options: { checkIntervalMs?: number; bufferLimit?: number; inner?: ArrivalBus } = {}) {
  const spine = new MemorySpine();
  const reader = new CountingReader(spine);
  const inner = options.inner ?? new ArrivalBus({ logger: quiet });
  const bus = new SequencedBus(inner, reader, {
    checkIntervalMs: options.checkIntervalMs ?? 60_000,
    retryMinMs: 5,
    logger: quiet,
    ...(options.bufferLimit === undefined ? {} : { bufferLimit: options.bufferLimit }),
  });
  open.push(bus);
  const received: BusEvent[] = [];
  bus.subscribe(P, (events) => received.push(...events));
  await eventually(() => bus.position(P) !== null);
  const s: Setup = {
    spine,
    reader,
    inner,
    bus,
    received,
    get seqs() {
      return received.filter((e) => e.seq !== null).map((e) => e.seq as number);
    },
    async append(n) {
      const appended = spine.append({
        partition: P,
        events: range(1, n).map((i) => ({ type: 'x', canvasId: 'c1', envelope: `{"i":${i}}` })),
      });
      const result = await appended.durable;
      const stored = await spine.read(P, (result.seqs[0] as number) - 1, { limit: n });
      return stored.map((e) => ({ ...e }));
    },
    arrive(...events) {
      inner.publish(events);
    },
  };
  return s;
}

const at = (events: BusEvent[], ...seqs: number[]) => seqs.map((seq) => events[seq - 1] as BusEvent);

describe('SequencedBus', () => {
  it('[CONTRACT 4] out-of-order arrival is delivered in seq order, once', async () => {
    const s = await setup();
    const events = await s.append(5);
    s.arrive(...at(events, 1, 3, 2, 5, 4));
    await eventually(() => s.seqs.length >= 5);
    expect(s.seqs).toEqual([1, 2, 3, 4, 5]);
    expect(s.received).toEqual(events);
  });

  it('[CONTRACT 4] duplicates are dropped without reading the spine', async () => {
    const s = await setup();
    const events = await s.append(3);
    const readsBefore = s.reader.reads;
    s.arrive(...at(events, 1, 1, 2));
    s.arrive(...at(events, 1, 2, 3, 3));
    expect(s.seqs).toEqual([1, 2, 3]);
    expect(s.reader.reads).toBe(readsBefore);
  });

  it('[CONTRACT 4] lost messages are read from the spine', async () => {
    const s = await setup();
    const events = await s.append(6);
    s.arrive(...at(events, 1, 2, 6));
    await eventually(() => s.seqs.length >= 6);
    expect(s.seqs).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('[CONTRACT 4] a subscription starts after the durable events that existed; pending ones still arrive', async () => {
    const spine = new MemorySpine();
    const inner = new ArrivalBus({ logger: quiet });
    const old = spine.append({
      partition: P,
      events: [1, 2, 3].map(() => ({ type: 'x', canvasId: null, envelope: '{}' })),
    });
    await old.durable;
    // Seq 4 is appended (the head counts it) but not durable yet when the subscription starts.
    const pending = spine.append({ partition: P, events: [{ type: 'x', canvasId: null, envelope: '{"p":4}' }] });
    const bus = new SequencedBus(inner, spine, { checkIntervalMs: 60_000, logger: quiet });
    open.push(bus);
    const got: BusEvent[] = [];
    bus.subscribe(P, (events) => got.push(...events));
    const stored = await spine.read(P, 0);
    inner.publish(stored.slice(1, 3)); // 2 and 3 arrive late: older than the subscription
    await pending.durable;
    await eventually(() => bus.position(P) !== null);
    const four = await spine.read(P, 3);
    inner.publish(four);
    await eventually(() => got.length >= 1);
    expect(got.map((e) => e.seq)).toEqual([4]);
  });

  it('[CONTRACT 4] a tail lost without later traffic is repaired by the periodic check', async () => {
    const inner = new MemoryBus({ logger: quiet }); // no reconnect signal: only the check can notice
    const spine = new MemorySpine();
    const bus = new SequencedBus(inner, spine, { checkIntervalMs: 10, logger: quiet });
    open.push(bus);
    const seqs: number[] = [];
    bus.subscribe(P, (events) => seqs.push(...events.map((e) => e.seq ?? -1)));
    await eventually(() => bus.position(P) !== null);
    const appended = spine.append({
      partition: P,
      events: range(1, 4).map(() => ({ type: 'x', canvasId: null, envelope: '{}' })),
    });
    await appended.durable;
    inner.publish((await spine.read(P, 0)).slice(0, 1)); // 2..4 lost
    await eventually(() => seqs.length >= 4, 2000);
    expect(seqs).toEqual([1, 2, 3, 4]);
  });

  it('[CONTRACT 4] a reconnect of the inner bus repairs at once', async () => {
    const s = await setup();
    const events = await s.append(3);
    s.arrive(...at(events, 1));
    s.inner.reconnect();
    await eventually(() => s.seqs.length >= 3);
    expect(s.seqs).toEqual([1, 2, 3]);
  });

  it('[BUS] repairs are single-flight per partition', async () => {
    const s = await setup();
    s.reader.delayMs = 15;
    const events = await s.append(40);
    s.reader.maxInFlight = 0;
    for (let i = 1; i <= 40; i += 2) {
      s.arrive(...at(events, i));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    s.inner.reconnect();
    await eventually(() => s.seqs.length >= 40);
    expect(s.seqs).toEqual(range(1, 40));
    expect(s.reader.maxInFlight).toBe(1);
  });

  it('[BUS] a failing spine read is retried with backoff; the failures are logged, bounded', async () => {
    const warned: string[] = [];
    const spine = new MemorySpine();
    const reader = new CountingReader(spine);
    const inner = new ArrivalBus({ logger: quiet });
    const bus = new SequencedBus(inner, reader, {
      checkIntervalMs: 60_000,
      retryMinMs: 5,
      logger: { warn: (_d, m) => warned.push(m), error: () => {} },
    });
    open.push(bus);
    const seqs: number[] = [];
    bus.subscribe(P, (events) => seqs.push(...events.map((e) => e.seq ?? -1)));
    await eventually(() => bus.position(P) !== null);
    await spine.append({ partition: P, events: range(1, 3).map(() => ({ type: 'x', canvasId: null, envelope: '{}' })) })
      .durable;
    const stored = await spine.read(P, 0);
    reader.failNext = 4;
    inner.publish([stored[2] as StoredEvent]);
    await eventually(() => seqs.length >= 3);
    expect(seqs).toEqual([1, 2, 3]);
    expect(warned.length).toBe(1);
  });

  it('[BUS] past the buffer limit held events are dropped and re-read from the spine', async () => {
    const s = await setup({ bufferLimit: 5 });
    s.reader.delayMs = 20;
    const events = await s.append(30);
    s.arrive(...at(events, 1));
    let mostHeld = 0;
    for (let i = 3; i <= 30; i++) {
      s.arrive(...at(events, i));
      mostHeld = Math.max(mostHeld, s.bus.held(P));
    }
    expect(mostHeld).toBeLessThanOrEqual(5);
    await eventually(() => s.seqs.length >= 30);
    expect(s.seqs).toEqual(range(1, 30));
  });

  it('[CONTRACT 4] telemetry (seq null) passes straight through, even while a gap waits for the spine', async () => {
    const s = await setup();
    s.reader.delayMs = 30;
    const events = await s.append(3);
    const progress: BusEvent = { partition: P, seq: null, canvasId: 'c1', type: 'progress', envelope: '{"p":1}' };
    s.arrive(...at(events, 1, 3));
    s.arrive(progress);
    expect(s.received).toEqual([events[0], progress]);
    await eventually(() => s.seqs.length >= 3);
    expect(s.received).toEqual([events[0], progress, events[1], events[2]]);
  });

  it('[BUS] a throwing subscriber is logged and skipped; the last unsubscribe leaves the inner bus', async () => {
    const errors: object[] = [];
    const inner = new ArrivalBus({ logger: quiet });
    const spine = new MemorySpine();
    const bus = new SequencedBus(inner, spine, { logger: { warn: () => {}, error: (d) => errors.push(d) } });
    open.push(bus);
    const got: number[] = [];
    const a = bus.subscribe(P, () => {
      throw new Error('bug');
    });
    const b = bus.subscribe(P, (events) => got.push(...events.map((e) => e.seq ?? -1)));
    expect(inner.subscriberCount(P)).toBe(1);
    await eventually(() => bus.position(P) !== null);
    await spine.append({ partition: P, events: [{ type: 'x', canvasId: null, envelope: '{}' }] }).durable;
    inner.publish(await spine.read(P, 0));
    expect(got).toEqual([1]);
    expect(errors).toHaveLength(1);
    a();
    b();
    b();
    expect(inner.subscriberCount(P)).toBe(0);
    expect(bus.position(P)).toBeNull();
  });

  it('[BUS] broadcast and onBroadcast go through the inner bus', async () => {
    const inner = new MemoryBus({ logger: quiet });
    const bus = new SequencedBus(inner, new MemorySpine(), { logger: quiet });
    open.push(bus);
    const seen: string[] = [];
    bus.onBroadcast((t, d) => seen.push(`${t}=${d}`));
    inner.broadcast('a', '1');
    bus.broadcast('b', '2');
    expect(seen).toEqual(['a=1', 'b=2']);
  });

  it('[CONTRACT 4] property: any loss, duplication and order of 1..n arrives as exactly 1..n in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            arrivals: fc.array(fc.record({ seq: fc.integer({ min: 1, max: n }), pause: fc.boolean() }), {
              maxLength: 3 * n,
            }),
            batch: fc.integer({ min: 1, max: 4 }),
          }),
        ),
        async ({ n, arrivals, batch }) => {
          const s = await setup();
          const events = await s.append(n);
          for (let i = 0; i < arrivals.length; i += batch) {
            const chunk = arrivals.slice(i, i + batch);
            s.arrive(...chunk.map((a) => events[a.seq - 1] as BusEvent));
            if (chunk.some((a) => a.pause)) await new Promise((resolve) => setImmediate(resolve));
          }
          s.inner.reconnect();
          await eventually(() => s.seqs.length >= n);
          await new Promise((resolve) => setTimeout(resolve, 1));
          expect(s.seqs).toEqual(range(1, n));
          expect(s.received).toEqual(events);
          await s.bus.close();
        },
      ),
      { numRuns: 100 },
    );
  });
});
