import { CONTRACT_EXAMPLE_LENS_POLICY, encodeCursor } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import { createMetrics } from '../../metrics/createMetrics.ts';
import { mustOpen } from '../../spine/sqliteTestHarness.ts';
import type { Principal } from '../auth/Principal.ts';
import type { GatewayCore } from '../GatewayCore.ts';
import { harnessPerTest } from '../testing/coreHarness.ts';
import { HUB_ADMIN as admin, HUB_BASE as base, streamHubsPerTest } from '../testing/streamHubsPerTest.ts';
import { TestSink } from './TestSink.ts';

const planner: Principal = { actorId: 'pat', tenantId: 'acme', kind: 'human', roles: ['planner'] };

const MANIFEST = {
  type: 'hubboard',
  version: '1.0.0',
  title: 'Hub board',
  roots: { notes: 'map', layout: 'map' },
  tokens: {
    'plan.title': { type: 'string', max_length: 4000, default: '' },
    'style.color': { type: 'color', default: '#000000' },
  },
  tools: [],
};

const harness = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));
const { hub, createCanvas, setToken } = streamHubsPerTest(harness, { manifest: MANIFEST });

/** Lets pending promise chains (durable appends, publishes, replays) run. */
async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

function titles(sink: TestSink): string[] {
  return sink
    .events()
    .filter((f) => f.event === 'token_patch')
    .map((f) => f.json.payload.value as string);
}

describe('StreamHub over a real core and SQLite spine', () => {
  it('[CONTRACT 4] a fresh canvas stream gets retry, keep-alive, CANVAS_READY with a snapshot, then live events with cursors', async () => {
    const scope = await createCanvas('c1');
    await setToken(scope, 'plan.title', 'before');
    const sink = new TestSink();
    const opened = await hub().open({ principal: admin, scope, kind: 'canvas', sink });
    expect(opened.ok).toBe(true);
    const outcome = await setToken(scope, 'plan.title', 'live');
    await settle();
    const frames = sink.frames();
    expect(frames[0]?.retry).toBeGreaterThanOrEqual(1000);
    expect(frames[0]?.retry).toBeLessThanOrEqual(3000);
    expect(frames.some((f) => f.comment === 'ka')).toBe(true);
    const events = sink.events();
    expect(events[0]?.event).toBe('CANVAS_READY');
    expect(events[0]?.id).toBeNull();
    expect(events[0]?.json.payload.reset).toBe(false);
    expect(events[0]?.json.payload.snapshot.tokens['plan.title']).toBe('before');
    expect(events[0]?.json.scope).toEqual(scope);
    expect(events.slice(1).map((e) => [e.event, e.id, e.json.payload.value])).toEqual([
      ['token_patch', outcome.cursor, 'live'],
    ]);
  });

  it.each([
    ['a roomy backlog', 10_000],
    ['a backlog that overflows (re-read from the spine)', 1],
  ])(
    '[CONTRACT 4] resuming from a cursor replays what followed it (across pages), then goes live, without gap or duplicate: %s',
    async (_label, backlogLimit) => {
      const scope = await createCanvas('c1');
      const first = await setToken(scope, 'plan.title', 'v0');
      for (let i = 1; i <= 12; i++) await setToken(scope, 'plan.title', `v${i}`);
      const sink = new TestSink();
      const h = hub({ replayPageSize: 5, backlogLimit });
      // writes race the open: some land before the replay reads them, some after
      const racing = Promise.all([13, 14, 15].map((i) => setToken(scope, 'plan.title', `v${i}`)));
      const opened = await h.open({ principal: admin, scope, kind: 'canvas', after: first.cursor, sink });
      expect(opened.ok).toBe(true);
      await racing;
      await setToken(scope, 'plan.title', 'v16');
      await settle(10);
      const events = sink.events();
      expect(events[0]?.event).toBe('CANVAS_READY');
      expect(events[0]?.json.payload.snapshot).toBeUndefined();
      expect(events[0]?.json.payload.reset).toBe(false);
      expect(events[0]?.json.payload.cursor).toBe(first.cursor);
      expect(titles(sink)).toEqual(Array.from({ length: 16 }, (_, i) => `v${i + 1}`));
      const ids = sink
        .events()
        .filter((f) => f.id !== null)
        .map((f) => f.id);
      expect(new Set(ids).size).toBe(ids.length);
    },
  );

  it('[CONTRACT 4] a cursor from another epoch, a malformed one, or one beyond the head gets reset: true with a snapshot', async () => {
    const scope = await createCanvas('c1');
    await setToken(scope, 'plan.title', 'now');
    for (const after of [
      encodeCursor({ epoch: 'zzzzzzzz', seq: 1 }),
      'garbage',
      encodeCursor({ epoch: harness.spine.epoch, seq: 999 }),
    ]) {
      const sink = new TestSink();
      const opened = await hub().open({ principal: admin, scope, kind: 'canvas', after, sink });
      expect(opened.ok).toBe(true);
      const ready = sink.events()[0];
      expect(ready?.event).toBe('CANVAS_READY');
      expect(ready?.json.payload.reset).toBe(true);
      expect(ready?.json.payload.snapshot.tokens['plan.title']).toBe('now');
    }
  });

  it('[CONTRACT 4] a compacted cursor gets reset: true with a snapshot', async () => {
    const scope = await createCanvas('c1');
    const old = await setToken(scope, 'plan.title', 'a');
    await setToken(scope, 'plan.title', 'b');
    await setToken(scope, 'plan.title', 'c');
    await harness.reopen(); // the closing core snapshots the canvas, so compaction keeps what it needs
    await harness.spine.compact('acme/proj', 4);
    const sink = new TestSink();
    const opened = await hub().open({ principal: admin, scope, kind: 'canvas', after: old.cursor, sink });
    expect(opened.ok).toBe(true);
    expect(sink.events()[0]?.json.payload.reset).toBe(true);
    expect(sink.events()[0]?.json.payload.snapshot.tokens['plan.title']).toBe('c');
  });

  it('[CONTRACT 4] a missing canvas is not_found before anything is written', async () => {
    const sink = new TestSink();
    const opened = await hub().open({ principal: admin, scope: { ...base, canvas_id: 'nope' }, kind: 'canvas', sink });
    expect(opened.ok).toBe(false);
    if (!opened.ok) expect(opened.error.code).toBe('not_found');
    expect(sink.received).toBe('');
  });

  it('[CONTRACT 4] realtime streams get every canvas of the partition, no CANVAS_READY, and resume', async () => {
    const a = await createCanvas('ca');
    const b = await createCanvas('cb');
    const sink = new TestSink();
    const h = hub();
    await h.open({ principal: admin, scope: base, kind: 'realtime', sink });
    const first = await setToken(a, 'plan.title', 'in-a');
    await setToken(b, 'plan.title', 'in-b');
    await settle();
    expect(sink.events().map((e) => e.event)).toEqual(['token_patch', 'token_patch']);
    expect(titles(sink)).toEqual(['in-a', 'in-b']);
    for (const e of sink.events()) {
      expect(typeof e.json.type).toBe('string');
      expect(typeof e.json.timestamp).toBe('string');
      expect(typeof e.json.payload).toBe('object');
    }
    const resumed = new TestSink();
    await h.open({ principal: admin, scope: base, kind: 'realtime', after: first.cursor, sink: resumed });
    await settle();
    expect(titles(resumed)).toEqual(['in-b']);
  });

  it('[CONTRACT 4] a canvas stream gets only its canvas', async () => {
    const a = await createCanvas('ca');
    const b = await createCanvas('cb');
    const sink = new TestSink();
    await hub().open({ principal: admin, scope: a, kind: 'canvas', sink });
    await setToken(b, 'plan.title', 'in-b');
    await setToken(a, 'plan.title', 'in-a');
    await settle();
    expect(titles(sink)).toEqual(['in-a']);
  });

  it('[CONTRACT 4] telemetry frames carry no id: and are delivered live', async () => {
    const scope = await createCanvas('c1');
    const sink = new TestSink();
    await hub().open({ principal: admin, scope, kind: 'canvas', sink });
    harness.core.publishTelemetry(scope, { id: 'job-runner', kind: 'service' }, 'progress', {
      job_id: 'j1',
      percent: 40,
    });
    const progress = sink.events().find((e) => e.event === 'progress');
    expect(progress?.id).toBeNull();
    expect(progress?.json.payload.percent).toBe(40);
  });

  it('[CONTRACT 4] a subscriber that stops reading is closed as slow_consumer; resuming from its last cursor loses nothing', async () => {
    const scope = await createCanvas('c1');
    const sink = new TestSink({ autoFlush: true });
    const h = hub({ budgetBytes: 4096 });
    const opened = await h.open({ principal: admin, scope, kind: 'canvas', sink });
    if (!opened.ok) throw new Error(opened.error.message);
    await setToken(scope, 'plan.title', 'w0');
    await settle();
    sink.autoFlush = false; // the client stops reading
    for (let i = 1; i <= 10; i++) await setToken(scope, 'plan.title', `w${i}-${'x'.repeat(1000)}`);
    await settle();
    expect(await opened.value.closed).toBe('slow_consumer');
    expect(sink.closedWith).toBe('slow_consumer');
    const received = sink.events();
    const last = received.filter((e) => e.id !== null).at(-1)!;
    expect(received.at(-1)?.event).toBe('stream_closed');
    expect(received.at(-1)?.json.payload.reason).toBe('slow_consumer');
    const resumed = new TestSink();
    await h.open({ principal: admin, scope, kind: 'canvas', after: last.id!, sink: resumed });
    await settle();
    const all = [...titles(sink), ...titles(resumed)].map((t) => t.split('-')[0]);
    expect(all).toEqual(Array.from({ length: 11 }, (_, i) => `w${i}`));
  });

  it('[CONTRACT 6] a lens change re-resolves open streams at once: fresh CANVAS_READY (lens_changed) and nothing hidden after', async () => {
    const scope = await createCanvas('c1');
    await setToken(scope, 'style.color', '#111111');
    const sink = new TestSink();
    const h = hub();
    // Without a policy, role planner gets nothing; it opens with a (mostly empty) view.
    await h.open({ principal: planner, scope, kind: 'canvas', sink });
    const put = await harness.core.putLensPolicy(admin, 'proj', CONTRACT_EXAMPLE_LENS_POLICY);
    expect(put.ok).toBe(true);
    await settle(10);
    const readies = sink.events().filter((e) => e.event === 'CANVAS_READY');
    expect(readies.length).toBe(2);
    expect(readies[1]?.json.payload.reason).toBe('lens_changed');
    expect(readies[1]?.json.payload.reset).toBe(true);
    expect(readies[1]?.json.payload.snapshot.tokens).not.toHaveProperty('style.color');
    await setToken(scope, 'style.color', '#222222');
    await setToken(scope, 'plan.title', 'visible');
    await settle();
    expect(sink.received).not.toContain('#222222');
    expect(titles(sink)).toEqual(['visible']);
  });

  it('serializes each event once per lens view key, not once per subscriber', async () => {
    const scope = await createCanvas('c1');
    const core = harness.core;
    const counted = Object.create(core) as GatewayCore;
    let calls = 0;
    counted.projectEvent = (view, event) => {
      calls += 1;
      return core.projectEvent(view, event);
    };
    const h = hub({}, counted);
    const sinks = Array.from({ length: 10 }, () => new TestSink());
    for (const sink of sinks) await h.open({ principal: admin, scope, kind: 'canvas', sink });
    const plannerSink = new TestSink();
    await h.open({ principal: { ...planner, roles: ['viewer'] }, scope, kind: 'canvas', sink: plannerSink });
    calls = 0;
    await setToken(scope, 'plan.title', 'once');
    await settle();
    expect(calls).toBe(2); // admin view key + viewer view key
    for (const sink of [...sinks, plannerSink]) expect(titles(sink)).toEqual(['once']);
  });

  it('[CONTRACT 4] sends the keep-alive comment on its interval', async () => {
    const scope = await createCanvas('c1');
    const sink = new TestSink();
    await hub({ keepAliveMs: 20 }).open({ principal: admin, scope, kind: 'canvas', sink });
    const keepAlives = () => sink.frames().filter((f) => f.comment === 'ka').length;
    // Waits for the comments rather than a fixed time (a loaded machine may run the timer late).
    const deadline = Date.now() + 3000;
    while (keepAlives() < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(keepAlives()).toBeGreaterThanOrEqual(3);
  });

  it('reports subscribers, disconnects, deliveries and lag to its metrics', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const scope = await createCanvas('c1');
    const h = hub({ metrics: metrics.fanout });
    const controller = new AbortController();
    await h.open({ principal: admin, scope, kind: 'canvas', sink: new TestSink(), signal: controller.signal });
    await setToken(scope, 'plan.title', 'm');
    await settle();
    let text = (await metrics.render()).body;
    expect(text).toMatch(/easel_subscribers\{stream="canvas"\} 1/);
    expect(text).toMatch(/easel_deliveries_total 1/);
    expect(text).toMatch(/easel_fanout_lag_seconds_count\{stream="canvas"\} 1/);
    controller.abort();
    text = (await metrics.render()).body;
    expect(text).toMatch(/easel_subscribers\{stream="canvas"\} 0/);
    expect(text).toMatch(/easel_disconnects_total\{reason="client_closed"\} 1/);
  });

  it('[CONTRACT 4] on shutdown every stream gets stream_closed (shutdown) and is closed', async () => {
    const scope = await createCanvas('c1');
    const sink = new TestSink();
    const h = hub();
    const opened = await h.open({ principal: admin, scope, kind: 'canvas', sink });
    h.close();
    if (opened.ok) expect(await opened.value.closed).toBe('shutdown');
    expect(sink.events().at(-1)?.json.payload.reason).toBe('shutdown');
    expect((await h.open({ principal: admin, scope, kind: 'canvas', sink: new TestSink() })).ok).toBe(false);
  });
});
