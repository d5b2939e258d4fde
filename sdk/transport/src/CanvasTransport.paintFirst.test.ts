import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RejectedEdit } from './local/LocalEdits.ts';
import type { FakeRequest } from './testing/FakeFetch.ts';
import { settle } from './testing/ManualTimers.ts';
import { cursorOf, readyFrame, statePatch, updateOn } from './testing/frames.ts';
import { nextRequest } from './testing/nextRequest.ts';
import { openStream } from './testing/openStream.ts';
import { testTransport } from './testing/testTransport.ts';

// `paintFirst` (CanvasTransport option; gateway `?paint=state`, WIRE-NOTES CANVAS_READY): the
// first snapshot's JSON `state` is readable at once, its `update` is decoded into `doc` later.

const json = (doc: Y.Doc) => ({ notes: doc.getMap('notes').toJSON(), layout: doc.getMap('layout').toJSON() });

async function setup(paintFirst: boolean | undefined, withState = true) {
  const { timers, fake, transport } = testTransport(paintFirst !== undefined ? { paintFirst } : {});
  const server = new Y.Doc();
  server.getMap('notes').set('a', 'one');
  server.getMap('notes').set('b', 'two');
  const hydrations: number[] = [];
  transport.onHydrated(() => hydrations.push(hydrations.length + 1));
  const firstDoc = transport.doc; // before CANVAS_READY: nothing to decode
  const origins: unknown[] = [];
  firstDoc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
  const { get, stream } = await openStream({ transport, fake });
  stream.push(
    readyFrame({
      cursor: cursorOf(1),
      revision: 1,
      snapshot: { update: Y.encodeStateAsUpdate(server), ...(withState ? { state: json(server) } : {}) },
    }),
  );
  await settle();
  return { timers, fake, server, transport, get, stream, hydrations, origins, firstDoc };
}

const refuse = (r: FakeRequest) =>
  r.respondJson(403, { error: { code: 'forbidden', message: 'your roles may not write notes', request_id: 'r' } });

describe('CanvasTransport paintFirst', () => {
  it('[CONTRACT 4] asks for ?paint=state, shows stateJson at once and decodes the snapshot on the next tick (Node)', async () => {
    const t = await setup(true);
    expect(new URL(t.get.url).searchParams.get('paint')).toBe('state');
    expect(t.transport.revision).toBe(1);
    expect(t.transport.stateJson).toEqual(json(t.server));
    expect(t.origins).toEqual([]); // not decoded yet
    expect(t.hydrations).toEqual([]);
    await t.timers.advance(0);
    expect(t.hydrations).toEqual([1]);
    expect(t.transport.stateJson).toBeNull();
    expect(t.origins).toHaveLength(1);
    expect(json(t.transport.doc)).toEqual(json(t.server));
    expect(t.transport.doc).toBe(t.firstDoc);
    t.transport.close();
  });

  it('[CONTRACT 4] off by default in Node: no ?paint, the snapshot is decoded on arrival', async () => {
    const t = await setup(undefined);
    expect(new URL(t.get.url).searchParams.has('paint')).toBe(false);
    expect(t.transport.stateJson).toBeNull();
    expect(t.origins).toHaveLength(1);
    t.transport.close();
  });

  it('[CONTRACT 4] a state_patch decodes the snapshot first; patches apply after it in order', async () => {
    const t2 = await setup(true);
    const p1 = updateOn(t2.server, (d) => d.getMap('notes').set('a', 'changed'));
    const p2 = updateOn(t2.server, (d) => d.getMap('notes').delete('b'));
    t2.stream.push(statePatch(p1, ['notes'], 2, cursorOf(2)) + statePatch(p2, ['notes'], 3, cursorOf(3)));
    await settle();
    expect(t2.hydrations).toEqual([1]);
    expect(t2.origins).toHaveLength(3); // the snapshot, then both patches
    expect(json(t2.firstDoc)).toEqual({ notes: { a: 'changed' }, layout: {} });
    expect(t2.transport.revision).toBe(3);
    t2.transport.close();
  });

  it('[CONTRACT 6] an edit through doc decodes the snapshot first, and a refused one still reverts to it', async () => {
    const t = await setup(true);
    const rejected: RejectedEdit[] = [];
    t.transport.onRejected((r) => rejected.push(r));
    t.transport.doc.getMap('notes').set('a', 'mine');
    expect(t.hydrations).toEqual([1]);
    const post = await nextRequest(t.timers, t.fake, { stepMs: 10, steps: 50 });
    expect(JSON.parse(post.body ?? '{}').type).toBe('state.update');
    refuse(post);
    await t.transport.flushLocalEdits();
    expect(rejected.map((r) => r.code)).toEqual(['forbidden']);
    expect(json(t.transport.doc)).toEqual(json(t.server));
    t.transport.close();
  });
});
