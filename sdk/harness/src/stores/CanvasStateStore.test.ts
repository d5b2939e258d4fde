import type { CanvasTypeManifest, JsonValue } from '@easel/schemas';
import { bytesToBase64, CanvasTransport } from '@easel/transport';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRecordedSession, type RecordedSession } from '../testing/createRecordedSession.ts';
import { DEMO_BOARD_MANIFEST } from '../testing/fixtures.ts';
import { canvasReady, RECORDED_SCOPE, recordedEvent } from '../testing/recordedEvent.ts';
import { sseFrame } from '../testing/SseHub.ts';
import { CanvasStateStore } from './CanvasStateStore.ts';

const open: RecordedSession[] = [];
afterEach(() => {
  for (const session of open.splice(0)) session.close();
});

/** Waits (bounded) until `done()` holds. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

/** A store over a recorded session, read the way `useSyncExternalStore` reads it: on every notification. */
function watch(transport: CanvasTransport) {
  const store = new CanvasStateStore(transport);
  const snapshots: Array<Readonly<Record<string, JsonValue>>> = [];
  const stop = store.start();
  const off = store.subscribe(() => {
    const next = store.getSnapshot();
    if (snapshots.at(-1) !== next) snapshots.push(next);
  });
  return {
    snapshots,
    stop: () => {
      off();
      stop();
    },
  };
}

describe('CanvasStateStore', () => {
  it('[CONTRACT 4] the first snapshot is projected once (one state object, not one per notification)', async () => {
    const session = createRecordedSession({
      pace: 'instant',
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST, state: { notes: { a: { text: 'one' } } } })],
    });
    open.push(session);
    const w = watch(session.transport);
    session.transport.connect();
    await until(() => session.transport.revision !== null, 'CANVAS_READY');
    const withNotes = w.snapshots.filter((s) => s.notes !== undefined && Object.keys(s.notes as object).length > 0);
    expect(withNotes).toHaveLength(1);
    expect(withNotes[0]!.notes).toEqual({ a: { text: 'one' } });
    w.stop();
  });

  it('[CONTRACT 4] a CANVAS_READY without a snapshot and with the same roots keeps the state; other roots recompute it', async () => {
    // A canvas stream this test writes frames to (the recorded gateway sends one CANVAS_READY only).
    let write: (frame: Uint8Array) => void = () => undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        write = (frame) => controller.enqueue(frame);
      },
    });
    const fetch: typeof globalThis.fetch = async (input) =>
      String(input).includes('/events')
        ? new Response(body, { headers: { 'content-type': 'text/event-stream' } })
        : new Response('{}', { status: 404 });
    const transport = new CanvasTransport({ baseUrl: 'http://gw.test', token: 't', scope: RECORDED_SCOPE, fetch });
    const ready = (manifest: CanvasTypeManifest, revision: number, snapshot?: object) =>
      sseFrame(
        recordedEvent('CANVAS_READY', {
          canvas_id: RECORDED_SCOPE.canvas_id,
          canvas_type: manifest.type,
          manifest,
          revision,
          cursor: null,
          reset: false,
          ...(snapshot ? { snapshot } : {}),
        }),
        null,
      );
    const w = watch(transport);
    transport.connect();
    const doc = new Y.Doc();
    doc.getMap('notes').set('a', 1);
    write(ready(DEMO_BOARD_MANIFEST, 1, { update: bytesToBase64(Y.encodeStateAsUpdate(doc)), tokens: {} }));
    await until(() => transport.revision === 1, 'the first CANVAS_READY');
    const before = w.snapshots.at(-1)!;
    expect(before.notes).toEqual({ a: 1 });
    write(ready(DEMO_BOARD_MANIFEST, 2));
    await until(() => transport.revision === 2, 'the second CANVAS_READY');
    expect(w.snapshots.at(-1)).toBe(before);
    write(ready({ ...DEMO_BOARD_MANIFEST, roots: { ...DEMO_BOARD_MANIFEST.roots, extra: 'map' } }, 3));
    await until(() => transport.revision === 3, 'the third CANVAS_READY');
    const after = w.snapshots.at(-1)!;
    expect(after).not.toBe(before);
    expect(after.extra).toEqual({});
    expect(after.notes).toEqual({ a: 1 });
    w.stop();
    transport.close();
  });
});
