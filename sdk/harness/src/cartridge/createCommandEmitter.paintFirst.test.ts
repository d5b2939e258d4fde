import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import type { FakeRequest } from '../../../transport/src/testing/FakeFetch.ts';
import { settle } from '../../../transport/src/testing/ManualTimers.ts';
import { cursorOf, readyFrame, docReadyFrames } from '../../../transport/src/testing/frames.ts';
import { nextRequest } from '../../../transport/src/testing/nextRequest.ts';
import { openStream } from '../../../transport/src/testing/openStream.ts';
import { testTransport } from '../../../transport/src/testing/testTransport.ts';
import { harnessApiFromTransport } from '../api/harnessApiFromTransport.ts';
import { HarnessStores } from '../stores/HarnessStores.ts';
import { HARNESS_EDIT_ORIGIN, createCommandEmitter } from './createCommandEmitter.ts';
import { dropQueuedEdits, queuedEditCount } from './editWhenHydrated.ts';

// Paint first in two frames (WIRE-NOTES "Paint first"): between CANVAS_READY {state, update_follows}
// and its CANVAS_READY_UPDATE the page paints from `stateJson` while `transport.doc` is still empty.
// `emit.edit` must not run on that empty document.

const json = (doc: Y.Doc) => ({ notes: doc.getMap('notes').toJSON(), items: doc.getArray('items').toJSON() });

/** The gateway's document: a title note and two blocks. */
function serverDoc(): Y.Doc {
  const doc = new Y.Doc();
  doc.getMap('notes').set('title', 'Launch');
  doc.getArray('items').push(['intro', 'outro']);
  return doc;
}

const framesOf = (server: Y.Doc, revision: number) => docReadyFrames(server, revision, json);

async function setup(paintFirst = true) {
  const t = testTransport({ paintFirst });
  const stores = new HarnessStores({ transport: t.transport, api: harnessApiFromTransport(t.transport) });
  const firstDoc = t.transport.doc; // before CANVAS_READY: nothing to decode
  const origins: unknown[] = [];
  firstDoc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
  const { stream } = await openStream(t);
  return { ...t, stores, stream, firstDoc, origins, server: serverDoc() };
}

/**
 * An app's edit that depends on what the document holds: sets the title only if there is none,
 * and inserts a block right after `after`. Records what it saw.
 */
function addBlock(after: string, block: string, seen: Array<{ title: unknown; items: unknown[] }>) {
  return (doc: Y.Doc) => {
    const notes = doc.getMap('notes');
    const items = doc.getArray<string>('items');
    seen.push({ title: notes.get('title'), items: items.toArray() });
    if (!notes.has('title')) notes.set('title', 'Untitled');
    items.insert(items.toArray().indexOf(after) + 1, [block]);
  };
}

/** The `state.update` the transport posts next: its command type and decoded update. */
async function postedUpdate(t: Awaited<ReturnType<typeof setup>>): Promise<{ post: FakeRequest; update: Uint8Array }> {
  const post = await nextRequest(t.timers, t.fake, { stepMs: 10, steps: 50 });
  const body = JSON.parse(post.body ?? '{}');
  expect(body.type).toBe('state.update');
  return { post, update: new Uint8Array(Buffer.from(body.payload.update, 'base64')) };
}

describe('emit.edit with paint first', () => {
  it('[CONTRACT 4] an edit between CANVAS_READY and CANVAS_READY_UPDATE runs on the snapshot once it arrived, in order', async () => {
    const t = await setup();
    const emit = createCommandEmitter(t.stores);
    const frames = framesOf(t.server, 1);
    t.stream.push(frames.ready);
    await settle();
    expect(t.transport.stateJson).toEqual(json(t.server)); // painted; doc still empty
    const seen: Array<{ title: unknown; items: unknown[] }> = [];
    emit.edit(addBlock('intro', 'middle', seen));
    emit.edit(addBlock('middle', 'after-middle', seen)); // depends on the first
    expect(seen).toEqual([]);
    expect(queuedEditCount(t.transport)).toBe(2);
    expect(json(t.transport.doc)).toEqual({ notes: {}, items: [] });
    expect(t.transport.pendingLocalEdits).toBe(0);
    t.stream.push(frames.update);
    await settle();
    await t.timers.advance(0); // hydrated after the next paint
    expect(t.transport.stateJson).toBeNull();
    expect(seen).toEqual([
      { title: 'Launch', items: ['intro', 'outro'] },
      { title: 'Launch', items: ['intro', 'middle', 'outro'] },
    ]);
    expect(json(t.transport.doc)).toEqual({
      notes: { title: 'Launch' },
      items: ['intro', 'middle', 'after-middle', 'outro'],
    });
    // After the snapshot, each edit in its own transaction.
    const edits = t.origins.flatMap((o, i) => (o === HARNESS_EDIT_ORIGIN ? [i] : []));
    expect(edits).toEqual([t.origins.length - 2, t.origins.length - 1]);
    expect(queuedEditCount(t.transport)).toBe(0);
    // Upstream: a state.update relative to the snapshot — it integrates into the gateway's document as is.
    const { post, update } = await postedUpdate(t);
    const gateway = new Y.Doc();
    Y.applyUpdate(gateway, Y.encodeStateAsUpdate(t.server));
    Y.applyUpdate(gateway, update);
    expect(gateway.store.pendingStructs).toBeNull();
    expect(json(gateway)).toEqual(json(t.transport.doc));
    post.respondJson(200, { status: 'committed', cursor: cursorOf(2), revision: 2 });
    // Hydrated: the next edit runs at once.
    emit.edit(addBlock('outro', 'end', seen));
    expect(seen).toHaveLength(3);
    t.transport.close();
  });

  it('[CONTRACT 4] a stream cut between the frames: a waiting edit runs once, on the fresh snapshot', async () => {
    const t = await setup();
    const emit = createCommandEmitter(t.stores);
    t.stream.push(framesOf(t.server, 1).ready);
    await settle();
    const seen: Array<{ title: unknown; items: unknown[] }> = [];
    emit.edit(addBlock('outro', 'new', seen));
    t.stream.end(); // before CANVAS_READY_UPDATE
    await settle();
    updateServer(t.server);
    const again = await nextRequest(t.timers, t.fake);
    expect(again.headers['last-event-id']).toBeUndefined();
    const stream = again.respondStream();
    const frames = framesOf(t.server, 2);
    stream.push(frames.ready);
    await settle();
    expect(seen).toEqual([]); // painted again, still waiting
    stream.push(frames.update);
    await settle();
    await t.timers.advance(0);
    expect(seen).toEqual([{ title: 'Launch', items: ['intro', 'outro', 'epilogue'] }]);
    expect(json(t.transport.doc).items).toEqual(['intro', 'outro', 'new', 'epilogue']);
    expect(t.origins.filter((o) => o === HARNESS_EDIT_ORIGIN)).toHaveLength(1);
    t.transport.close();
  });

  it('[CONTRACT 4] a snapshot that replaces the painted one whole (no update_follows) runs waiting edits on it', async () => {
    const t = await setup();
    const emit = createCommandEmitter(t.stores);
    t.stream.push(framesOf(t.server, 1).ready);
    await settle();
    const seen: Array<{ title: unknown; items: unknown[] }> = [];
    emit.edit(addBlock('intro', 'second', seen));
    t.stream.end();
    await settle();
    const again = await nextRequest(t.timers, t.fake);
    again
      .respondStream()
      .push(readyFrame({ cursor: cursorOf(2), revision: 2, snapshot: { update: Y.encodeStateAsUpdate(t.server) } }));
    await settle();
    expect(t.transport.stateJson).toBeNull();
    expect(seen).toEqual([{ title: 'Launch', items: ['intro', 'outro'] }]);
    expect(json(t.transport.doc).items).toEqual(['intro', 'second', 'outro']);
    t.transport.close();
  });

  it('waiting edits keep their order across emitters; an unmounted emitter’s are dropped', async () => {
    const t = await setup();
    const a = createCommandEmitter(t.stores);
    const b = createCommandEmitter(t.stores);
    const frames = framesOf(t.server, 1);
    t.stream.push(frames.ready);
    await settle();
    const ran: string[] = [];
    a.edit(() => ran.push('a1'));
    b.edit(() => ran.push('b1'));
    a.edit(() => ran.push('a2'));
    b.edit(() => ran.push('b2'));
    dropQueuedEdits(t.transport, b); // b's component unmounted
    expect(queuedEditCount(t.transport)).toBe(2);
    t.stream.push(frames.update);
    await settle();
    await t.timers.advance(0);
    expect(ran).toEqual(['a1', 'a2']);
    t.transport.close();
  });

  it('closing the transport drops waiting edits: none runs, nothing throws, none is kept', async () => {
    const t = await setup();
    const emit = createCommandEmitter(t.stores);
    const frames = framesOf(t.server, 1);
    t.stream.push(frames.ready);
    await settle();
    const ran: string[] = [];
    emit.edit(() => ran.push('before close'));
    expect(queuedEditCount(t.transport)).toBe(1);
    t.transport.close();
    expect(queuedEditCount(t.transport)).toBe(0);
    expect(() => emit.edit(() => ran.push('after close'))).not.toThrow();
    expect(queuedEditCount(t.transport)).toBe(0);
    await t.timers.advance(100);
    expect(ran).toEqual([]);
    expect(t.transport.pendingLocalEdits).toBe(0);
  });

  it('paint first off: an edit runs at once on the snapshot, as before', async () => {
    const t = await setup(false);
    const emit = createCommandEmitter(t.stores);
    t.stream.push(
      readyFrame({ cursor: cursorOf(1), revision: 1, snapshot: { update: Y.encodeStateAsUpdate(t.server) } }),
    );
    await settle();
    const seen: Array<{ title: unknown; items: unknown[] }> = [];
    emit.edit(addBlock('intro', 'x', seen));
    expect(seen).toEqual([{ title: 'Launch', items: ['intro', 'outro'] }]);
    t.transport.close();
  });
});

/** The canvas moves on while the client reconnects: a block appended at the end. */
function updateServer(server: Y.Doc): void {
  server.getArray<string>('items').push(['epilogue']);
}
