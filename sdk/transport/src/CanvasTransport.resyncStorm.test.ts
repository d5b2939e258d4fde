import { beforeAll, describe, expect, it } from 'vitest';
import { CanvasTransport } from './CanvasTransport.ts';
import type { ConnectionStatus } from './connection/ConnectionMachine.ts';
import { loadAnswerGuards } from './lib/validation.ts';
import type { ProtocolError } from './sse/SseReader.ts';
import { FakeFetch, type FakeStream } from './testing/FakeFetch.ts';
import { ManualTimers, seededRandom } from './testing/ManualTimers.ts';
import { TEST_SCOPE, cursorOf, frame, readyFrame, statePatch, tokenPatch } from './testing/frames.ts';

// A rolling upgrade: a newer gateway sends durable events of a type this client knows in a shape it
// cannot use (a `token_patch` with an `op` its schema does not have yet, a `state_patch` whose
// update does not apply), after every snapshot. A fresh snapshot is still the only repair, but one
// per such event would have every old client hammer the gateway with snapshots: the first resync
// is at once, the ones in a row after it wait growing, jittered delays (the stream is closed
// meanwhile: nothing is applied to the stale mirror), and a quiet minute starts the count over.

beforeAll(async () => {
  await loadAnswerGuards();
});

const garbage = new TextEncoder().encode('not a Yjs update at all');
const NEWER: Record<string, (seq: number) => string> = {
  'a token_patch with an op this client does not know': (seq) =>
    frame('token_patch', { token_id: 'plan.title', op: 'merge', value: 'newer', revision: seq }, cursorOf(seq)),
  'a state_patch whose update does not apply': (seq) => statePatch(garbage, ['notes'], seq, cursorOf(seq)),
};

/** A transport on a scripted gateway; `fetchedAt` is the fake time of every stream request. */
function setup() {
  const timers = new ManualTimers();
  const fake = new FakeFetch();
  const fetchedAt: number[] = [];
  const transport = new CanvasTransport({
    baseUrl: 'http://gw.test',
    token: 'tok',
    scope: TEST_SCOPE,
    fetch: (input, init) => {
      fetchedAt.push(timers.now());
      return fake.fetch(input, init);
    },
    timers,
    now: timers.now,
    random: seededRandom(7),
    // (No keep-alives in these scripts: no reconnect for silence.)
    idleTimeoutMs: 3_600_000,
  });
  const problems: ProtocolError[] = [];
  transport.onProtocolError((p) => problems.push(p));
  const statuses: ConnectionStatus[] = [];
  transport.onStatus((s) => statuses.push(s));
  const titles: unknown[] = [];
  transport.onToken('plan.title', (v) => titles.push(v));
  let seq = 0;
  /** Answers the next stream request with a fresh snapshot (title `snapshot <n>`); returns the stream. */
  const answer = async (): Promise<FakeStream> => {
    const stream = (await fake.next()).respondStream();
    seq += 10;
    stream.push(
      readyFrame({ cursor: cursorOf(seq), revision: seq, snapshot: { tokens: { 'plan.title': `snapshot ${seq}` } } }),
    );
    return stream;
  };
  /** The newer server's event, then one built on it (which must never reach the mirror). */
  const sendNewer = (stream: FakeStream, newer: (seq: number) => string) => {
    stream.push(newer(seq + 1));
    stream.push(tokenPatch('plan.title', 'on top of a gap', seq + 2, cursorOf(seq + 2)));
  };
  /** Moves fake time on in small steps until a stream request came (or `limitMs` passed). */
  const awaitRequest = async (limitMs: number): Promise<boolean> => {
    for (let waited = 0; fake.untaken === 0 && waited <= limitMs; waited += 50) await timers.advance(50);
    return fake.untaken > 0;
  };
  return { timers, fake, transport, fetchedAt, problems, statuses, titles, answer, sendNewer, awaitRequest };
}

describe('CanvasTransport: a newer server sending what this client cannot use does not cause a resync storm', () => {
  for (const [name, newer] of Object.entries(NEWER)) {
    it(`[CONTRACT 4] ${name}, after every snapshot for a minute: a bounded number of snapshots, each wait longer up to the cap`, async () => {
      const t = setup();
      t.transport.connect();
      const start = t.timers.now();
      // When the newer event was sent on each stream (the resync was asked for then).
      const sentAt: number[] = [];
      while (t.timers.now() - start < 60_000 && t.fetchedAt.length < 200) {
        if (!(await t.awaitRequest(60_000 - (t.timers.now() - start)))) break;
        const stream = await t.answer();
        sentAt.push(t.timers.now());
        t.sendNewer(stream, newer);
      }
      // Each request after the first answers the resync asked for on the stream before it.
      const waits = t.fetchedAt.slice(1).map((at, i) => at - sentAt[i]!);
      // The first resync is at once (the first backoff tier, as before).
      expect(waits[0]).toBeLessThanOrEqual(250);
      // Then 1 s doubling, jittered to half of it up to all of it, up to the 10 s cap (default tiers).
      for (let i = 1; i < waits.length; i++) {
        const ceiling = Math.min(2 ** i * 500, 10_000);
        expect(waits[i], `wait ${i}`).toBeGreaterThanOrEqual(ceiling / 2);
        expect(waits[i], `wait ${i}`).toBeLessThanOrEqual(ceiling);
      }
      expect(waits.slice(1, 5)).toEqual([...waits.slice(1, 5)].sort((a, b) => a - b));
      // Not one snapshot per event: at most 0 + 0.5 + 1 + 2 + 4 s, then one per 5 s or more.
      expect(t.fetchedAt.length).toBeGreaterThanOrEqual(8);
      expect(t.fetchedAt.length).toBeLessThanOrEqual(16);
      // One report per resync, never per frame; the mirror never applied what builds on the gap.
      expect(t.problems).toHaveLength(sentAt.length);
      expect(t.problems.every((p) => p.message.endsWith('; resyncing'))).toBe(true);
      expect(t.titles).not.toContain('on top of a gap');
      expect(t.titles).not.toContain('newer');
      // Meanwhile the stream reads `reconnecting` (never `offline`: the gateway is there).
      expect(new Set(t.statuses)).toEqual(new Set(['connecting', 'open', 'reconnecting']));
      t.transport.close();
    });
  }

  it('[CONTRACT 4] once the cause stopped for a minute, a single bad frame resyncs at once again', async () => {
    const t = setup();
    const newer = NEWER['a token_patch with an op this client does not know']!;
    t.transport.connect();
    expect(await t.awaitRequest(1_000)).toBe(true);
    let stream = await t.answer();
    let sent = t.timers.now();
    t.sendNewer(stream, newer);
    // The first: at once.
    expect(await t.awaitRequest(250)).toBe(true);
    expect(t.fetchedAt[1]! - sent).toBeLessThanOrEqual(250);
    stream = await t.answer();
    sent = t.timers.now();
    t.sendNewer(stream, newer);
    // The second in a row waits (500 ms to 1 s); the stream is closed meanwhile.
    await t.timers.advance(400);
    expect(t.fetchedAt).toHaveLength(2);
    expect(t.transport.status).toBe('reconnecting');
    expect(await t.awaitRequest(1_000)).toBe(true);
    expect(t.fetchedAt[2]! - sent).toBeGreaterThanOrEqual(500);
    expect(t.fetchedAt[2]! - sent).toBeLessThanOrEqual(1_000);
    stream = await t.answer();
    await t.timers.advance(0);
    const revision = t.transport.revision!;
    expect(t.transport.tokens['plan.title']).toBe(`snapshot ${revision}`);

    // The newer server stops: a minute of events this client parses.
    for (let i = 1; i <= 6; i++) {
      await t.timers.advance(10_100);
      stream.push(tokenPatch('plan.title', `fine ${i}`, revision + i, cursorOf(revision + i)));
    }
    await t.timers.advance(100);
    expect(t.transport.tokens['plan.title']).toBe('fine 6');
    expect(t.fetchedAt).toHaveLength(3);

    // A single bad frame now resyncs at once again, and the count starts over (the next waits 500 ms to 1 s).
    sent = t.timers.now();
    stream.push(newer(revision + 7));
    expect(await t.awaitRequest(250)).toBe(true);
    expect(t.fetchedAt[3]! - sent).toBeLessThanOrEqual(250);
    stream = await t.answer();
    sent = t.timers.now();
    t.sendNewer(stream, newer);
    expect(await t.awaitRequest(1_000)).toBe(true);
    expect(t.fetchedAt[4]! - sent).toBeGreaterThanOrEqual(500);
    expect(t.fetchedAt[4]! - sent).toBeLessThanOrEqual(1_000);
    expect(t.problems.filter((p) => p.message.endsWith('; resyncing'))).toHaveLength(4);
    t.transport.close();
  });
});
