import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ProtocolError } from './sse/SseReader.ts';
import { settle } from './testing/ManualTimers.ts';
import { cursorOf, docReadyFrames, statePatch, updateOn } from './testing/frames.ts';
import { nextRequest } from './testing/nextRequest.ts';
import { openStream } from './testing/openStream.ts';
import { testTransport } from './testing/testTransport.ts';

// Paint first in two frames (gateway `?paint=state`, WIRE-NOTES): CANVAS_READY carries the JSON
// `state` and `update_follows: true`; the CANVAS_READY_UPDATE right after it carries `update`.

const json = (doc: Y.Doc) => ({ notes: doc.getMap('notes').toJSON(), layout: doc.getMap('layout').toJSON() });

function serverDoc(): Y.Doc {
  const doc = new Y.Doc();
  doc.getMap('notes').set('a', 'one');
  doc.getMap('notes').set('b', 'two');
  return doc;
}

async function setup() {
  const { timers, fake, transport } = testTransport({ paintFirst: true });
  const server = serverDoc();
  const hydrations: number[] = [];
  transport.onHydrated(() => hydrations.push(hydrations.length + 1));
  const errors: ProtocolError[] = [];
  transport.onProtocolError((e) => errors.push(e));
  const firstDoc = transport.doc; // before CANVAS_READY: nothing to decode
  const { get, stream } = await openStream({ transport, fake });
  return { timers, fake, server, transport, get, stream, hydrations, errors, firstDoc };
}

/** The two paint-first frames of `server`'s snapshot at `revision` (cursor of the same number). */
const framesOf = (server: Y.Doc, revision: number) => docReadyFrames(server, revision, json);

describe('CanvasTransport paint first, update in the next frame', () => {
  it('[CONTRACT 4] paints from CANVAS_READY (state) and hydrates doc from CANVAS_READY_UPDATE', async () => {
    const t = await setup();
    const frames = framesOf(t.server, 1);
    t.stream.push(frames.ready);
    await settle();
    expect(t.transport.stateJson).toEqual(json(t.server));
    expect(t.transport.revision).toBe(1);
    expect(t.transport.view).toBe('full');
    await t.timers.advance(0);
    expect(t.hydrations).toEqual([]); // nothing to decode yet
    t.stream.push(frames.update);
    await settle();
    expect(t.hydrations).toEqual([]); // decoded after the next paint
    await t.timers.advance(0);
    expect(t.hydrations).toEqual([1]);
    expect(t.transport.stateJson).toBeNull();
    expect(t.transport.doc).toBe(t.firstDoc);
    expect(json(t.transport.doc)).toEqual(json(t.server));
    expect(t.errors).toEqual([]);
    // Later patches apply on top of it, and their cursor moves on as usual.
    const patch = updateOn(t.server, (d) => d.getMap('notes').set('a', 'changed'));
    t.stream.push(statePatch(patch, ['notes'], 2, cursorOf(2)));
    await settle();
    expect(json(t.transport.doc)).toEqual(json(t.server));
    expect(t.transport.cursor).toBe(cursorOf(2));
    t.transport.close();
  });

  it('[CONTRACT 4] a stream cut between the two frames reconnects without a cursor and ends hydrated and consistent', async () => {
    const t = await setup();
    t.stream.push(framesOf(t.server, 1).ready);
    await settle();
    expect(t.transport.stateJson).toEqual(json(t.server));
    t.stream.end(); // before CANVAS_READY_UPDATE
    await settle();
    // The canvas moved on meanwhile; the reconnect must not resume after cursor 1 (it would get no snapshot).
    const patch = updateOn(t.server, (d) => d.getMap('notes').set('c', 'three'));
    expect(patch.length).toBeGreaterThan(0);
    const again = await nextRequest(t.timers, t.fake);
    expect(again.headers['last-event-id']).toBeUndefined();
    expect(new URL(again.url).searchParams.get('paint')).toBe('state');
    const stream = again.respondStream();
    const frames = framesOf(t.server, 2);
    stream.push(frames.ready);
    await settle();
    expect(t.transport.stateJson).toEqual(json(t.server)); // painted from the fresh snapshot
    stream.push(frames.update);
    await settle();
    await t.timers.advance(0);
    expect(t.hydrations).toEqual([1]);
    expect(t.transport.stateJson).toBeNull();
    expect(json(t.transport.doc)).toEqual({ notes: { a: 'one', b: 'two', c: 'three' }, layout: {} });
    expect(t.transport.revision).toBe(2);
    expect(t.transport.cursor).toBe(cursorOf(2));
    // Resumable from here on: the next reconnect sends the cursor.
    stream.end();
    const third = await nextRequest(t.timers, t.fake);
    expect(third.headers['last-event-id']).toBe(cursorOf(2));
    t.transport.close();
  });

  it('[CONTRACT 4] anything but the update after a CANVAS_READY that announced it: reported, and a fresh snapshot is fetched', async () => {
    const t = await setup();
    t.stream.push(framesOf(t.server, 1).ready);
    const patch = updateOn(t.server, (d) => d.getMap('notes').set('a', 'changed'));
    t.stream.push(statePatch(patch, ['notes'], 2, cursorOf(2)));
    await settle();
    expect(t.errors).toEqual([]); // the frames after it wait (unparsed) until after the paint…
    await t.timers.advance(0);
    expect(t.errors.map((e) => e.reason)).toEqual(['bad_event']); // …then are checked as before
    expect(t.transport.revision).toBe(1); // the patch was not applied to a document without its snapshot
    const again = await nextRequest(t.timers, t.fake);
    expect(again.headers['last-event-id']).toBeUndefined();
    const stream = again.respondStream();
    const frames = framesOf(t.server, 2);
    stream.push(frames.ready + frames.update);
    await settle();
    await t.timers.advance(0);
    expect(t.hydrations).toEqual([1]);
    expect(json(t.transport.doc)).toEqual(json(t.server));
    t.transport.close();
  });
});
