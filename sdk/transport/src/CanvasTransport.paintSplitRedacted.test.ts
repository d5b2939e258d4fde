import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ProtocolError } from './sse/SseReader.ts';
import { settle } from './testing/ManualTimers.ts';
import { cursorOf, splitReadyFrames, statePatch, updateOn } from './testing/frames.ts';
import { openStream } from './testing/openStream.ts';
import { testTransport } from './testing/testTransport.ts';

// Paint first for a restricted viewer (gateway `?paint=state`, WIRE-NOTES): CANVAS_READY carries the
// JSON of the readable roots only, CANVAS_READY_UPDATE the redacted update (items of unreadable roots
// as GC placeholders of the same length, as the gateway's `redactedState` writes them). The
// transport needs nothing new: it paints from `state`, hydrates from the redacted update, and later
// redacted patches of the same client integrate on top.

/** The client that writes the unreadable root `layout` (its items are hidden from the viewer). */
const HIDDEN = 2;
/** The client that writes the readable root `notes`. */
const OPEN = 1;

/** `update` with the hidden client's items replaced by GC structs (Yjs v1, as the gateway redacts). */
function redacted(update: Uint8Array): Uint8Array {
  const { structs, ds } = Y.decodeUpdate(update) as unknown as {
    structs: Array<Y.Item | Y.GC>;
    ds: { clients: Map<number, Array<{ clock: number; len: number }>> };
  };
  const sections = new Map<number, Array<Y.Item | Y.GC>>();
  for (const s of structs) {
    const list = sections.get(s.id.client) ?? [];
    sections.set(s.id.client, list);
    list.push(s.id.client === HIDDEN && s instanceof Y.Item ? new Y.GC(s.id, s.length) : s);
  }
  const encoder = new Y.UpdateEncoderV1();
  // (writeClient/writeLen write a var uint to the rest encoder: the v1 layout needs nothing else.)
  encoder.writeClient(sections.size);
  for (const [client, list] of [...sections].sort((a, b) => b[0] - a[0])) {
    encoder.writeLen(list.length);
    encoder.writeClient(client);
    encoder.writeLen(list[0]!.id.clock);
    for (const s of list) s.write(encoder, 0);
  }
  encoder.writeLen(ds.clients.size);
  for (const [client, items] of ds.clients) {
    encoder.resetDsCurVal();
    encoder.writeClient(client);
    encoder.writeLen(items.length);
    for (const d of items) {
      encoder.writeDsClock(d.clock);
      encoder.writeDsLen(d.len);
    }
  }
  return encoder.toUint8Array();
}

/** `server` edited by `client` (the edit's update, as the gateway stores it). */
function editAs(server: Y.Doc, client: number, edit: (doc: Y.Doc) => void): Uint8Array {
  const writer = new Y.Doc();
  Y.applyUpdate(writer, Y.encodeStateAsUpdate(server));
  // (After the state: Yjs picks a new client id when a remote update carries the doc's own.)
  writer.clientID = client;
  const update = updateOn(writer, edit);
  Y.applyUpdate(server, update);
  expect(Y.decodeUpdate(update).structs.every((s) => s.id.client === client)).toBe(true);
  return update;
}

function serverDoc(): Y.Doc {
  const doc = new Y.Doc();
  editAs(doc, OPEN, (d) => {
    d.getMap('notes').set('a', 'one');
    d.getMap('notes').set('b', 'two');
  });
  editAs(doc, HIDDEN, (d) => d.getMap('layout').set('secret', { plan: 'the hidden plan', grid: 8 }));
  return doc;
}

const readable = (doc: Y.Doc) => ({ notes: doc.getMap('notes').toJSON() });

describe('CanvasTransport paint first for a restricted viewer (redacted snapshot in two frames)', () => {
  it('[CONTRACT 4] paints from the readable roots, hydrates from the redacted update, and applies redacted patches after it', async () => {
    const { timers, fake, transport } = testTransport({ paintFirst: true });
    const hydrations: number[] = [];
    transport.onHydrated(() => hydrations.push(hydrations.length + 1));
    const errors: ProtocolError[] = [];
    transport.onProtocolError((e) => errors.push(e));
    const firstDoc = transport.doc;
    const { stream } = await openStream({ transport, fake });
    const server = serverDoc();
    const update = redacted(Y.encodeStateAsUpdate(server));
    expect(Buffer.from(update).includes('the hidden plan')).toBe(false);
    const frames = splitReadyFrames({ update, state: readable(server), revision: 1, cursor: cursorOf(1) });
    stream.push(frames.ready);
    await settle();
    expect(transport.stateJson).toEqual({ notes: { a: 'one', b: 'two' } });
    expect(transport.view).toBe('full');
    stream.push(frames.update);
    await settle();
    await timers.advance(0);
    expect(hydrations).toEqual([1]);
    expect(transport.stateJson).toBeNull();
    expect(transport.doc).toBe(firstDoc);
    expect(transport.doc.getMap('notes').toJSON()).toEqual({ a: 'one', b: 'two' });
    expect(transport.doc.getMap('layout').toJSON()).toEqual({});
    // The hidden client edits its root (the viewer gets placeholders), then writes a note: that
    // note's item follows the placeholders in the client's clock, so it integrates only if the
    // snapshot's placeholders (and the patch's) did.
    const hiddenEdit = editAs(server, HIDDEN, (d) => d.getMap('layout').set('grid', 16));
    stream.push(statePatch(redacted(hiddenEdit), [], 2, cursorOf(2)));
    const noteEdit = editAs(server, HIDDEN, (d) => d.getMap('notes').set('c', 'three'));
    stream.push(statePatch(noteEdit, ['notes'], 3, cursorOf(3)));
    await settle();
    expect(errors).toEqual([]);
    expect(transport.doc.getMap('notes').toJSON()).toEqual({ a: 'one', b: 'two', c: 'three' });
    expect(transport.doc.getMap('layout').toJSON()).toEqual({});
    expect(transport.revision).toBe(3);
    expect(transport.cursor).toBe(cursorOf(3));
    transport.close();
  });
});
