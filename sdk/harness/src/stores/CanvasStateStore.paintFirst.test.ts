import type { JsonValue } from '@easel/schemas';
import { bytesToBase64, CanvasTransport, type Timers } from '@easel/transport';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEMO_BOARD_MANIFEST } from '../testing/fixtures.ts';
import { RECORDED_SCOPE, recordedEvent } from '../testing/recordedEvent.ts';
import { sseFrame } from '../testing/SseHub.ts';
import { until, watchCanvasState } from './watchCanvasState.ts';

// Paint first (`CanvasTransport` `paintFirst`, gateway `?paint=state`): the store shows the
// snapshot's JSON before the transport decodes it into its document, then follows the document
// without changing what it shows.

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A paint-first transport on a stream the test writes; the deferred decoding waits in `held`. */
function paintFirstTransport() {
  let write: (frame: Uint8Array) => void = () => undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      write = (frame) => controller.enqueue(frame);
    },
  });
  const requested: string[] = [];
  const fetch: typeof globalThis.fetch = async (input) => {
    requested.push(String(input));
    return String(input).includes('/events')
      ? new Response(body, { headers: { 'content-type': 'text/event-stream' } })
      : new Response('{}', { status: 404 });
  };
  // 0 ms timers (the decoding after "paint" in Node) wait until the test runs them.
  const held: Array<() => void> = [];
  const timers: Timers = {
    setTimeout: (callback, ms) => (ms === 0 ? held.push(callback) : setTimeout(callback, ms)),
    clearTimeout: (handle) => {
      if (typeof handle !== 'number' || handle > 1000) clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
  };
  const transport = new CanvasTransport({
    baseUrl: 'http://gw.test',
    token: 't',
    scope: RECORDED_SCOPE,
    fetch,
    timers,
    paintFirst: true,
  });
  closers.push(() => transport.close());
  return { transport, write, held, requested };
}

function ready(server: Y.Doc, state: Record<string, JsonValue>) {
  return sseFrame(
    recordedEvent('CANVAS_READY', {
      canvas_id: RECORDED_SCOPE.canvas_id,
      canvas_type: DEMO_BOARD_MANIFEST.type,
      manifest: DEMO_BOARD_MANIFEST,
      revision: 1,
      cursor: null,
      reset: false,
      snapshot: { update: bytesToBase64(Y.encodeStateAsUpdate(server)), state, tokens: {} },
    }),
    null,
  );
}

function serverDoc(): Y.Doc {
  const server = new Y.Doc();
  const a = new Y.Map<unknown>();
  a.set('text', 'one');
  server.getMap('notes').set('a', a);
  server.getMap('notes').set('b', 'two');
  return server;
}

const rootsOf = (server: Y.Doc) =>
  Object.fromEntries(
    Object.entries(DEMO_BOARD_MANIFEST.roots).map(([name, kind]) => [
      name,
      (kind === 'map'
        ? server.getMap(name).toJSON()
        : kind === 'array'
          ? server.getArray(name).toJSON()
          : '') as JsonValue,
    ]),
  );

describe('CanvasStateStore paint first', () => {
  it('[CONTRACT 4] shows the snapshot JSON before the decoding, then the document with the same root objects', async () => {
    const t = paintFirstTransport();
    const w = watchCanvasState(t.transport);
    closers.push(w.stop);
    t.transport.connect();
    const server = serverDoc();
    const state = rootsOf(server);
    t.write(ready(server, state));
    await until(() => t.transport.revision === 1, 'CANVAS_READY');
    expect(new URL(t.requested[0]!).searchParams.get('paint')).toBe('state');
    expect(t.transport.stateJson).not.toBeNull(); // not decoded: the store did not read doc
    const shown = w.snapshots.at(-1)!;
    expect(shown.notes).toBe(t.transport.stateJson!.notes); // the JSON as sent, not a copy
    expect(shown).toEqual(state);
    let hydrated = 0;
    t.transport.onHydrated(() => hydrated++);
    for (const run of t.held.splice(0)) run();
    expect(hydrated).toBe(1);
    expect(t.transport.stateJson).toBeNull();
    expect(w.store.getSnapshot()).toBe(shown); // nothing re-renders for the switch
    expect(w.snapshots.at(-1)).toBe(shown);
    // From here the document drives it: a change recomputes the root it touched only.
    t.transport.doc.getMap('layout').set('grid', 8);
    const after = w.store.getSnapshot();
    expect(after).not.toBe(shown);
    expect(after.layout).toEqual({ grid: 8 });
    expect(after.notes).toBe(shown.notes);
  });

  it('[CONTRACT 4] a state_patch before the decoding decodes first and shows the patched state', async () => {
    const t = paintFirstTransport();
    const w = watchCanvasState(t.transport);
    closers.push(w.stop);
    t.transport.connect();
    const server = serverDoc();
    t.write(ready(server, rootsOf(server)));
    await until(() => t.transport.revision === 1, 'CANVAS_READY');
    expect(t.transport.stateJson).not.toBeNull();
    const shown = w.snapshots.at(-1)!;
    const before = Y.encodeStateVector(server);
    (server.getMap('notes').get('a') as Y.Map<unknown>).set('text', 'patched');
    const update = Y.encodeStateAsUpdate(server, before);
    t.write(
      sseFrame(
        recordedEvent('state_patch', { roots: ['notes'], revision: 2, update: bytesToBase64(update) }),
        '0000000001-2',
      ),
    );
    await until(() => t.transport.revision === 2, 'the state_patch');
    expect(t.transport.stateJson).toBeNull();
    const now = w.store.getSnapshot();
    expect(now.notes).toEqual({ a: { text: 'patched' }, b: 'two' });
    expect(now.layout).toBe(shown.layout); // untouched root: same object
    for (const run of t.held.splice(0)) run(); // the late deferred call changes nothing
    expect(w.store.getSnapshot()).toBe(now);
  });
});
