import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PartitionId } from '../spine/EventSpine.ts';
import type { BusEvent, EventBus } from './EventBus.ts';

/** What an implementation's test gives the bus contract suite. */
export interface BusHarness {
  readonly bus: EventBus;
  /**
   * A second bus on the same backing (another gateway node), when the implementation spans
   * processes (Redis). Events published on `bus` must reach `peer`'s subscribers too.
   */
  readonly peer?: EventBus;
  /** Closes the buses and releases the backing. */
  readonly cleanup: () => Promise<void>;
}

const P = 'acme/site';
const Q = 'acme/other';

function ev(partition: PartitionId, seq: number | null, tag: string): BusEvent {
  return {
    partition,
    seq,
    canvasId: 'c1',
    type: seq === null ? 'progress' : 'token_patch',
    envelope: `{"tag":"${tag}"}`,
  };
}

/** Collects every event a subscription receives, flattened in arrival order. */
function collector(bus: EventBus, partition: PartitionId) {
  const events: BusEvent[] = [];
  const unsubscribe = bus.subscribe(partition, (batch) => {
    events.push(...batch);
  });
  return { events, unsubscribe, tags: () => events.map((e) => (JSON.parse(e.envelope) as { tag: string }).tag) };
}

const FENCE = '{"tag":"fence"}';

/** The events a test sent, without the fences `settle` used. */
function withoutFences(events: readonly BusEvent[]): BusEvent[] {
  return events.filter((e) => e.envelope !== FENCE);
}

/** Waits (bounded) until `check` holds; delivery may be asynchronous (Redis). */
async function eventually(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Broadcasts fences from `from` until every collector saw one (remote paths open), then empties them. */
async function settleBroadcast(from: EventBus, seen: string[][]): Promise<void> {
  for (let i = 0; i < 200 && !seen.every((got) => got.some((x) => x.startsWith('fence='))); i++) {
    from.broadcast('fence', String(i));
    await pause(10);
  }
  await pause(20);
  for (const got of seen) got.length = 0;
}

/** Some subscriptions (Redis) become live asynchronously; a fence proves the path is open. */
async function settle(bus: EventBus, partition: PartitionId): Promise<void> {
  const fence = collector(bus, partition);
  for (let i = 0; i < 200 && fence.events.length === 0; i++) {
    bus.publish([ev(partition, null, 'fence')]);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  fence.unsubscribe();
}

/** The behaviour every `EventBus` must have; run it from each implementation's test file. */
export function describeBusContract(name: string, makeBus: () => Promise<BusHarness>): void {
  describe(`EventBus contract: ${name}`, () => {
    let h: BusHarness;
    let bus: EventBus;
    beforeEach(async () => {
      h = await makeBus();
      bus = h.bus;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('[CONTRACT 4] a subscriber gets its partition in publish order, envelopes verbatim', async () => {
      const sub = collector(bus, P);
      await settle(bus, P);
      const sent = [ev(P, 1, 'a'), ev(P, 2, 'b'), ev(P, 3, 'c')];
      bus.publish(sent.slice(0, 2));
      bus.publish(sent.slice(2));
      await eventually(() => withoutFences(sub.events).length === 3);
      expect(withoutFences(sub.events)).toEqual(sent);
    });

    it('[CONTRACT 4] other partitions are not delivered; a mixed batch is split per partition in order', async () => {
      const p = collector(bus, P);
      const q = collector(bus, Q);
      await settle(bus, P);
      await settle(bus, Q);
      bus.publish([ev(P, 1, 'p1'), ev(Q, 1, 'q1'), ev(P, 2, 'p2'), ev(Q, 2, 'q2')]);
      await eventually(() => p.tags().includes('p2') && q.tags().includes('q2'));
      expect(withoutFences(p.events).map((e) => [e.partition, e.seq])).toEqual([
        [P, 1],
        [P, 2],
      ]);
      expect(withoutFences(q.events).map((e) => [e.partition, e.seq])).toEqual([
        [Q, 1],
        [Q, 2],
      ]);
    });

    it('[CONTRACT 4] every subscriber of a partition gets every event; telemetry (seq null) too', async () => {
      const one = collector(bus, P);
      const two = collector(bus, P);
      await settle(bus, P);
      bus.publish([ev(P, 1, 'd'), ev(P, null, 'progress'), ev(P, 2, 'e')]);
      await eventually(() => one.tags().includes('e') && two.tags().includes('e'));
      for (const sub of [one, two]) {
        expect(withoutFences(sub.events)).toEqual([ev(P, 1, 'd'), ev(P, null, 'progress'), ev(P, 2, 'e')]);
      }
    });

    it('[CONTRACT 4] unsubscribe stops delivery and may be called twice', async () => {
      const gone = collector(bus, P);
      const stays = collector(bus, P);
      await settle(bus, P);
      gone.unsubscribe();
      gone.unsubscribe();
      const before = gone.events.length;
      bus.publish([ev(P, 1, 'after')]);
      await eventually(() => stays.tags().includes('after'));
      expect(gone.events.length).toBe(before);
    });

    it('[CONTRACT 4] a throwing handler neither stops the others nor later publishes', async () => {
      let calls = 0;
      const unsubscribe = bus.subscribe(P, () => {
        calls++;
        throw new Error('subscriber bug');
      });
      const sub = collector(bus, P);
      await settle(bus, P);
      expect(() => bus.publish([ev(P, 1, 'x1')])).not.toThrow();
      bus.publish([ev(P, 2, 'x2')]);
      await eventually(() => sub.tags().includes('x2'));
      expect(withoutFences(sub.events)).toEqual([ev(P, 1, 'x1'), ev(P, 2, 'x2')]);
      expect(calls).toBeGreaterThanOrEqual(2);
      unsubscribe();
    });

    it('[CONTRACT 4] an empty publish delivers nothing', async () => {
      const sub = collector(bus, P);
      await settle(bus, P);
      const before = sub.events.length;
      bus.publish([]);
      bus.publish([ev(P, 1, 'marker')]);
      await eventually(() => sub.tags().includes('marker'));
      expect(sub.events.length).toBe(before + 1);
    });

    it('[CONTRACT 4] a peer bus (another node) receives what this one publishes, in order', async (ctx) => {
      const peer = h.peer;
      if (!peer) return ctx.skip();
      const sub = collector(peer, P);
      for (let i = 0; i < 200 && sub.events.length === 0; i++) {
        bus.publish([ev(P, null, 'fence')]);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const sent = Array.from({ length: 50 }, (_, i) => ev(P, i + 1, `n${i}`));
      for (const e of sent) bus.publish([e]);
      await eventually(() => withoutFences(sub.events).length === 50);
      expect(withoutFences(sub.events)).toEqual(sent);
    });

    it('[BUS] a broadcast reaches the handlers of this node and of every peer, once each', async () => {
      const nodes = h.peer ? [bus, h.peer] : [bus];
      const seen = nodes.map(() => [] as string[]);
      const stops = nodes.map((node, i) => node.onBroadcast((topic, data) => seen[i]?.push(`${topic}=${data}`)));
      await settleBroadcast(bus, seen);
      bus.broadcast('lens_changed', 'acme/site');
      await eventually(() => seen.every((got) => got.includes('lens_changed=acme/site')));
      await pause(50);
      for (const got of seen)
        expect(got.filter((x) => x.startsWith('lens_changed'))).toEqual(['lens_changed=acme/site']);
      for (const stop of stops) stop();
    });

    it('[BUS] a broadcast from a peer reaches this node', async (ctx) => {
      const peer = h.peer;
      if (!peer) return ctx.skip();
      const seen: string[][] = [[], []];
      const stops = [
        bus.onBroadcast((t, d) => seen[0]?.push(`${t}=${d}`)),
        peer.onBroadcast((t, d) => seen[1]?.push(`${t}=${d}`)),
      ];
      await settleBroadcast(peer, seen);
      peer.broadcast('type_changed', 'c1');
      await eventually(() => seen.every((got) => got.includes('type_changed=c1')));
      for (const stop of stops) stop();
    });

    it('[BUS] a removed broadcast handler gets nothing more; the others still do', async () => {
      const nodes = h.peer ? [bus, h.peer] : [bus];
      const gone: string[] = [];
      const seen = nodes.map(() => [] as string[]);
      const stopGone = bus.onBroadcast((t) => gone.push(t));
      const stops = nodes.map((node, i) => node.onBroadcast((t, d) => seen[i]?.push(`${t}=${d}`)));
      await settleBroadcast(bus, seen);
      stopGone();
      stopGone();
      const before = gone.length;
      bus.broadcast('after', 'x');
      await eventually(() => seen.every((got) => got.includes('after=x')));
      expect(gone.length).toBe(before);
      for (const stop of stops) stop();
    });

    it('[CONTRACT 4] a peer subscriber that unsubscribed gets nothing more', async (ctx) => {
      const peer = h.peer;
      if (!peer) return ctx.skip();
      const gone = collector(peer, P);
      const stays = collector(peer, P);
      for (let i = 0; i < 200 && stays.events.length === 0; i++) {
        bus.publish([ev(P, null, 'fence')]);
        await pause(10);
      }
      gone.unsubscribe();
      const before = gone.events.length;
      bus.publish([ev(P, 1, 'after')]);
      await eventually(() => stays.tags().includes('after'));
      await pause(50);
      expect(gone.events.length).toBe(before);
      stays.unsubscribe();
    });

    it('[CONTRACT 4] after close nothing is delivered and publish does not throw', async () => {
      const sub = collector(bus, P);
      await settle(bus, P);
      const before = sub.events.length;
      await bus.close();
      expect(() => bus.publish([ev(P, 1, 'late')])).not.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sub.events.length).toBe(before);
    });
  });
}
