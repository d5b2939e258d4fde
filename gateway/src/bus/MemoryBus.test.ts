import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../core/bus/EventBus.ts';
import { describeBusContract } from '../core/bus/busContract.ts';
import { MemoryBus } from './MemoryBus.ts';

const quiet = { error: () => {} };
describeBusContract('in-process MemoryBus', async () => {
  const bus = new MemoryBus({ logger: quiet });
  return { bus, cleanup: () => bus.close() };
});

const ev = (seq: number): BusEvent => ({ partition: 't/p', seq, canvasId: null, type: 'x', envelope: `{"s":${seq}}` });

describe('MemoryBus', () => {
  it('[CONTRACT 4] delivers synchronously, before publish returns', () => {
    const bus = new MemoryBus();
    const got: number[] = [];
    bus.subscribe('t/p', (events) => got.push(...events.map((e) => e.seq ?? -1)));
    bus.publish([ev(1), ev(2)]);
    expect(got).toEqual([1, 2]);
  });

  it('[BUS] a throwing handler is logged with its partition', () => {
    const logged: Array<[object, string]> = [];
    const bus = new MemoryBus({ logger: { error: (details, message) => logged.push([details, message]) } });
    const boom = new Error('boom');
    bus.subscribe('t/p', () => {
      throw boom;
    });
    bus.publish([ev(1)]);
    expect(logged).toEqual([[{ err: boom, partition: 't/p', count: 1 }, 'bus subscriber threw; skipped it']]);
  });

  it('[BUS] subscriptions changed during a delivery take effect for the next batch', () => {
    const bus = new MemoryBus();
    const late: number[] = [];
    const second: number[] = [];
    let unsubscribeSecond = () => {};
    bus.subscribe('t/p', () => {
      unsubscribeSecond();
      bus.subscribe('t/p', (e) => late.push(...e.map((x) => x.seq ?? -1)));
    });
    unsubscribeSecond = bus.subscribe('t/p', (events) => second.push(...events.map((e) => e.seq ?? -1)));
    bus.publish([ev(1)]);
    expect(second).toEqual([]);
    expect(late).toEqual([]);
    bus.publish([ev(2)]);
    expect(late).toEqual([2]);
  });

  it('[BUS] one function subscribed twice is two subscriptions; the last unsubscribe frees the partition', () => {
    const bus = new MemoryBus();
    const got: number[] = [];
    const handler = (events: readonly BusEvent[]) => got.push(...events.map((e) => e.seq ?? -1));
    const a = bus.subscribe('t/p', handler);
    const b = bus.subscribe('t/p', handler);
    bus.publish([ev(1)]);
    expect(got).toEqual([1, 1]);
    a();
    expect(bus.subscriberCount('t/p')).toBe(1);
    b();
    expect(bus.subscriberCount('t/p')).toBe(0);
  });
});
