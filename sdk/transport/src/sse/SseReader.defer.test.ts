import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Deps } from '../lib/deps.ts';
import { FakeFetch } from '../testing/FakeFetch.ts';
import { ManualTimers, seededRandom, settle } from '../testing/ManualTimers.ts';
import { cursorOf, frame, splitReadyFrames, tokenPatch } from '../testing/frames.ts';
import { type ProtocolError, SseReader } from './SseReader.ts';
import { type AnyEvent, parseEnvelope } from './parseEnvelope.ts';

// Paint first, snapshot in two frames (WIRE-NOTES): after a CANVAS_READY whose update follows,
// the reader keeps the next frames as text (not even JSON-parsed) until `defer` resumes it, so
// the large CANVAS_READY_UPDATE is not parsed between the state's arrival and its first paint.

function setup() {
  const timers = new ManualTimers();
  const fake = new FakeFetch();
  const deps: Deps = { fetch: fake.fetch, timers, random: seededRandom(3), now: timers.now, logger: {} };
  const events: string[] = [];
  const problems: ProtocolError[] = [];
  const resumes: Array<() => void> = [];
  let parsed = 0;
  const reader = new SseReader<AnyEvent>({
    deps,
    baseUrl: 'http://gw.test',
    path: () => '/v1/canvases/c1/events?paint=state',
    token: 'tok',
    parse: (json, f) => {
      parsed++;
      return parseEnvelope(json, f);
    },
    onEvent: (event) => events.push(event.type),
    onProtocolError: (p) => problems.push(p),
    defer: (resume) => resumes.push(resume),
  });
  const server = new Y.Doc();
  server.getMap('notes').set('a', 'one');
  const frames = splitReadyFrames({
    update: Y.encodeStateAsUpdate(server),
    state: { notes: { a: 'one' }, layout: {} },
    revision: 1,
    cursor: cursorOf(1),
  });
  return { fake, reader, events, problems, resumes, frames, parsed: () => parsed };
}

/** A started reader whose stream has sent the two snapshot frames (`settled`: and they were read). */
async function withKeptUpdate(settled = true) {
  const t = setup();
  t.reader.start();
  const stream = (await t.fake.next()).respondStream();
  stream.push(t.frames.ready + t.frames.update);
  if (settled) await settle();
  return { t, stream };
}

describe('SseReader defer (paint first)', () => {
  it('[CONTRACT 4] does not parse the CANVAS_READY_UPDATE until the deferred resume', async () => {
    const { t, stream } = await withKeptUpdate();
    expect(t.events).toEqual(['CANVAS_READY']);
    expect(t.parsed()).toBe(1); // only the CANVAS_READY: the update waits unparsed
    expect(t.resumes).toHaveLength(1);
    t.resumes[0]!();
    expect(t.events).toEqual(['CANVAS_READY', 'CANVAS_READY_UPDATE']);
    expect(t.reader.cursor).toBe(cursorOf(1));
    expect(t.problems).toEqual([]);
    // From here frames are handled as they come; a second resume changes nothing.
    t.resumes[0]!();
    stream.push(tokenPatch('plan.title', 'y', 2, cursorOf(2)));
    await settle();
    expect(t.events).toEqual(['CANVAS_READY', 'CANVAS_READY_UPDATE', 'token_patch']);
    t.reader.close();
  });

  it('[CONTRACT 4] a live frame after the kept update resumes at once, in order (a hidden tab paints no frame to wait for)', async () => {
    const { t, stream } = await withKeptUpdate();
    expect(t.events).toEqual(['CANVAS_READY']);
    stream.push(tokenPatch('plan.title', 'x', 2, cursorOf(2)));
    await settle();
    // No resume ran: the second kept frame released both.
    expect(t.events).toEqual(['CANVAS_READY', 'CANVAS_READY_UPDATE', 'token_patch']);
    expect(t.reader.cursor).toBe(cursorOf(2));
    expect(t.problems).toEqual([]);
    t.resumes[0]!(); // late: nothing left to do
    expect(t.events).toHaveLength(3);
    t.reader.close();
  });

  it('[CONTRACT 4] a stream that ends while frames wait handles them first (the update, the close reason)', async () => {
    const { t, stream } = await withKeptUpdate(false);
    stream.push(frame('stream_closed', { reason: 'replaced' }, null));
    stream.end();
    await settle();
    expect(t.events).toEqual(['CANVAS_READY', 'CANVAS_READY_UPDATE', 'stream_closed']);
    expect(t.reader.machine.state).toBe('failed'); // `replaced` rests: the reason was read
    t.resumes[0]!(); // late: nothing left to do
    expect(t.events).toHaveLength(3);
    t.reader.close();
  });

  it('[CONTRACT 4] a stream that breaks while frames wait drops them and reconnects for a fresh snapshot', async () => {
    const t = setup();
    t.reader.start();
    const first = await t.fake.next();
    const stream = first.respondStream();
    stream.push(t.frames.ready + t.frames.update);
    await settle();
    stream.error('socket hang up');
    await settle();
    t.resumes[0]!(); // the attempt is over: the kept frames are not delivered
    expect(t.events).toEqual(['CANVAS_READY']);
    t.reader.resync();
    const again = await t.fake.next();
    expect(again.headers['last-event-id']).toBeUndefined();
    t.reader.close();
  });
});
