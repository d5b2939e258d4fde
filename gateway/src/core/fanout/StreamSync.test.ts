import { CONTRACT_EXAMPLE_LENS_POLICY, decodeCursor, encodeCursor, type Scope } from '@easel/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import { mustOpen } from '../../spine/sqliteTestHarness.ts';
import type { Principal } from '../auth/Principal.ts';
import { harnessPerTest } from '../testing/coreHarness.ts';
import { HUB_ADMIN as admin, HUB_BASE as base, streamHubsPerTest } from '../testing/streamHubsPerTest.ts';
import type { StreamHub, StreamHubOptions } from './StreamHub.ts';
import { TestSink } from './TestSink.ts';

// Replay pacing (StreamSync through StreamHub, over a real core and SQLite spine): a replay is
// paced by the client's socket, not limited by the live byte budget.

const MANIFEST = {
  type: 'syncboard',
  version: '1.0.0',
  title: 'Sync board',
  roots: { notes: 'map' },
  tokens: { 'plan.title': { type: 'string', max_length: 4000, default: '' } },
  tools: [],
};

/** The byte budget of these tests; every backlog below is many times larger. */
const BUDGET = 4096;
/** Values of ~1 KB: each frame is over a quarter of the budget. */
const pad = 'x'.repeat(1000);

const harness = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));
const { hub, createCanvas, setToken } = streamHubsPerTest(harness, {
  manifest: MANIFEST,
  hubDefaults: { budgetBytes: BUDGET },
});
const setTitle = (scope: Scope, value: string) => setToken(scope, 'plan.title', value);

let timers: NodeJS.Timeout[] = [];

afterEach(() => {
  for (const timer of timers) clearInterval(timer);
  timers = [];
});

/** Writes `count` ~1 KB titles `v1…v<count>` (after `from`); returns them in order. */
async function writeTitles(scope: Scope, count: number, from = 0): Promise<string[]> {
  const values: string[] = [];
  for (let i = from + 1; i <= from + count; i++) {
    values.push(`v${i}-${pad}`);
    await setTitle(scope, `v${i}-${pad}`);
  }
  return values;
}

/** A client reading at a moderate pace: takes what is buffered every `everyMs`. */
function readEvery(sink: TestSink, everyMs: number): void {
  timers.push(setInterval(() => sink.flush(), everyMs));
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function titles(sink: TestSink): string[] {
  return sink
    .events()
    .filter((f) => f.event === 'token_patch')
    .map((f) => f.json.payload.value as string);
}

/** The durable ids received, checked unique and increasing. */
function expectIdsIncreasing(sink: TestSink): void {
  const seqs = sink
    .events()
    .filter((f) => f.id !== null)
    .map((f) => {
      const cursor = decodeCursor(f.id as string);
      if (!cursor.ok) throw new Error(`bad id ${f.id}`);
      return cursor.value.seq;
    });
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
}

const streamState = (h: StreamHub) => h.describe()[0]?.state;

/** Options of {@link openPaced}. */
interface PacedOptions {
  /** `canvas` (default) or `realtime` (give the project's scope, `base`). */
  kind?: 'canvas' | 'realtime';
  /** Resume after this cursor (default: the start of the log). */
  after?: string;
  /** The client takes what is buffered every this many ms (default: it never reads). */
  readEveryMs?: number;
  /** The sink's high-water mark (default: a quarter of the budget). */
  highWaterMark?: number;
  /** Who reads (default: an admin, whose permissions no lens policy changes). */
  principal?: Principal;
  hub?: StreamHubOptions;
}

/** Opens a stream on a new hub into a sink that does not flush by itself (the client reads at its pace). */
async function openPaced(scope: Scope, options: PacedOptions = {}) {
  const sink = new TestSink({ autoFlush: false, highWaterMark: options.highWaterMark ?? BUDGET / 4 });
  if (options.readEveryMs !== undefined) readEvery(sink, options.readEveryMs);
  const h = hub(options.hub);
  const opened = await h.open({
    principal: options.principal ?? admin,
    scope,
    kind: options.kind ?? 'canvas',
    after: options.after ?? encodeCursor({ epoch: harness.spine.epoch, seq: 0 }),
    sink,
  });
  if (!opened.ok) throw new Error(opened.error.message);
  return { sink, h, closed: opened.value.closed };
}

const replayStarted = (sink: TestSink) => until(() => titles(sink).length >= 5, 'the replay to start');

const replayEnded = (h: StreamHub, sink: TestSink, what = 'the replay to finish') =>
  until(() => streamState(h) === 'live' || sink.closedWith !== null, what);

/** The stream is still open and got exactly `values`, in order, with increasing ids. */
function expectExactlyOnce(sink: TestSink, values: string[]): void {
  expect(sink.closedWith).toBeNull();
  expect(titles(sink)).toEqual(values);
  expectIdsIncreasing(sink);
}

// Each test writes dozens of durable commands one by one: roomy timeouts for a loaded machine.
describe('replay paced by the client (StreamSync)', { timeout: 30_000 }, () => {
  it.each([
    ['the sink signals drains below half the budget', BUDGET / 4],
    ['the sink signals drains only above half the budget (polled)', 16_384],
  ])(
    '[CONTRACT 4] a resume with a backlog many times the byte budget is replayed in one session, exactly once, in order: %s',
    async (_label, highWaterMark) => {
      const scope = await createCanvas('c1');
      const values = await writeTitles(scope, 50); // ~50 KB: 12× the budget, in one replay page
      // keep-alives meanwhile do not apply the live budget either
      const { sink, h } = await openPaced(scope, { highWaterMark, readEveryMs: 3, hub: { keepAliveMs: 5 } });
      await replayEnded(h, sink);
      sink.flush();
      expectExactlyOnce(sink, values);
      // live from here on, under the budget again
      sink.autoFlush = true;
      await setTitle(scope, 'live');
      sink.flush();
      expect(titles(sink).at(-1)).toBe('live');
    },
  );

  it.each([
    ['a roomy backlog', 10_000, 20],
    ['a backlog that overflows (re-read from the spine)', 3, 20],
    ['one page read before the live writes (what they add is re-read from the spine, paced)', 10_000, 500],
  ])(
    '[CONTRACT 4] live events arriving during a paced replay are delivered after it, exactly once, in order: %s',
    async (_label, backlogLimit, replayPageSize) => {
      const scope = await createCanvas('c1');
      const first = await setTitle(scope, 'v0');
      const values = await writeTitles(scope, 40);
      const { sink, h } = await openPaced(scope, {
        after: first.cursor,
        readEveryMs: 5,
        hub: { backlogLimit, replayPageSize },
      });
      // writes while the replay waits on the reader
      await replayStarted(sink);
      expect(streamState(h)).toBe('syncing');
      values.push(...(await writeTitles(scope, 15, 40)));
      await replayEnded(h, sink);
      expect(sink.closedWith).toBeNull();
      // caught up, the client reads promptly: live writes go on under the budget
      sink.autoFlush = true;
      values.push(...(await writeTitles(scope, 3, 55)));
      await until(() => titles(sink).length >= values.length, 'every title');
      sink.flush();
      expectExactlyOnce(sink, values);
    },
  );

  it('[CONTRACT 4] a subscriber that stops reading during a replay is closed as slow_consumer after the drain timeout; resuming loses nothing', async () => {
    const scope = await createCanvas('c1');
    const values = await writeTitles(scope, 40);
    const { sink, h, closed } = await openPaced(scope, { hub: { drainTimeoutMs: 150 } }); // never reads
    const openedAt = Date.now();
    expect(await closed).toBe('slow_consumer');
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(100); // it waited (bounded), not dropped at the budget
    const got = titles(sink);
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(values.length);
    expect(got).toEqual(values.slice(0, got.length));
    expect(sink.events().at(-1)?.json.payload.reason).toBe('slow_consumer');
    const last = sink
      .events()
      .filter((e) => e.id !== null)
      .at(-1);
    const resumed = new TestSink({ autoFlush: false });
    readEvery(resumed, 3);
    await h.open({ principal: admin, scope, kind: 'canvas', after: last?.id ?? undefined, sink: resumed });
    await until(() => titles(resumed).length >= values.length - got.length, 'the rest');
    expect([...got, ...titles(resumed)]).toEqual(values);
    expect(resumed.closedWith).toBeNull();
  });

  it('[CONTRACT 6] a lens change during a paced realtime replay re-resolves the view, then the replay goes on without gap or duplicate', async () => {
    const scope = await createCanvas('c1');
    const values = await writeTitles(scope, 50);
    const { sink, h } = await openPaced(base, { kind: 'realtime', readEveryMs: 10 });
    await replayStarted(sink);
    expect(streamState(h)).toBe('syncing');
    expect((await harness.core.putLensPolicy(admin, 'proj', CONTRACT_EXAMPLE_LENS_POLICY)).ok).toBe(true);
    expect(titles(sink).length).toBeLessThan(values.length); // the change landed mid-replay
    await replayEnded(h, sink);
    sink.flush();
    expectExactlyOnce(sink, values);
  });

  it('[CONTRACT 6] a lens change during a paced canvas replay sends a fresh CANVAS_READY (lens_changed) covering the rest', async () => {
    const scope = await createCanvas('c1');
    const values = await writeTitles(scope, 50);
    // A viewer who is also a director: the policy below lets it write too (its permissions
    // change), so its stream gets a fresh snapshot.
    const principal: Principal = { ...admin, actorId: 'dan', roles: ['viewer', 'director'] };
    const { sink, h } = await openPaced(scope, { readEveryMs: 10, principal });
    await replayStarted(sink);
    expect((await harness.core.putLensPolicy(admin, 'proj', CONTRACT_EXAMPLE_LENS_POLICY)).ok).toBe(true);
    await replayEnded(h, sink, 'the resync to finish');
    await setTitle(scope, 'after');
    sink.flush();
    expect(sink.closedWith).toBeNull();
    const events = sink.events();
    const readies = events.filter((e) => e.event === 'CANVAS_READY');
    expect(readies.length).toBe(2);
    expect(readies[1]?.json.payload.reason).toBe('lens_changed');
    expect(readies[1]?.json.payload.snapshot.tokens['plan.title']).toBe(values.at(-1));
    // before the fresh snapshot: a prefix of the replay, cut short; after it: only what followed
    const cut = events.indexOf(readies[1]!);
    const before = events
      .slice(0, cut)
      .filter((e) => e.event === 'token_patch')
      .map((e) => e.json.payload.value);
    expect(before.length).toBeLessThan(values.length);
    expect(before).toEqual(values.slice(0, before.length));
    expect(
      events
        .slice(cut)
        .filter((e) => e.event === 'token_patch')
        .map((e) => e.json.payload.value),
    ).toEqual(['after']);
    expectIdsIncreasing(sink);
  });

  it("[CONTRACT 4] a lens change that leaves a stream's permissions as they were sends it no fresh snapshot: every event arrives as itself", async () => {
    const scope = await createCanvas('c1');
    const values = await writeTitles(scope, 50);
    // An admin reads everything under any policy: the change is about other roles.
    const { sink, h } = await openPaced(scope, { readEveryMs: 10 });
    await replayStarted(sink);
    expect((await harness.core.putLensPolicy(admin, 'proj', CONTRACT_EXAMPLE_LENS_POLICY)).ok).toBe(true);
    await replayEnded(h, sink, 'the replay to finish');
    await setTitle(scope, 'after');
    sink.flush();
    expect(sink.closedWith).toBeNull();
    const events = sink.events();
    expect(events.filter((e) => e.event === 'CANVAS_READY')).toHaveLength(1);
    expect(titles(sink)).toEqual([...values, 'after']);
    expectIdsIncreasing(sink);
  });

  it('[CONTRACT 4] held events a canvas replay does not read (project-wide ones) are delivered after it, without replaying forever', async () => {
    const scope = await createCanvas('c1');
    const values = await writeTitles(scope, 40);
    const { sink, h } = await openPaced(scope, { readEveryMs: 5 });
    await replayStarted(sink);
    // Durable project-wide events (no canvas) reach canvas streams live, but a canvas read skips
    // them: more than half the budget of them are held while the replay runs.
    const head = await harness.spine.head('acme/proj');
    const notes = Array.from({ length: 5 }, (_, i) => `note${i}-${pad}`);
    harness.bus.publish(
      notes.map((text, i) => ({
        partition: 'acme/proj',
        seq: head + 1000 + i,
        canvasId: null,
        type: 'project_note',
        envelope: JSON.stringify({ type: 'project_note', scope: base, payload: { text } }),
      })),
    );
    expect(streamState(h)).toBe('syncing');
    sink.autoFlush = true; // the client now reads promptly: only the replay loop is under test
    await replayEnded(h, sink);
    expectExactlyOnce(sink, values);
    const tail = sink.events().filter((e) => e.event === 'project_note');
    expect(tail.map((e) => e.json.payload.text)).toEqual(notes);
  });
});
