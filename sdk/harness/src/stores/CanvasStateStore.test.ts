import type { CanvasTypeManifest } from '@easel/schemas';
import { bytesToBase64, CanvasTransport } from '@easel/transport';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRecordedSession, type RecordedSession } from '../testing/createRecordedSession.ts';
import { DEMO_BOARD_MANIFEST } from '../testing/fixtures.ts';
import { canvasReady, RECORDED_SCOPE, recordedEvent } from '../testing/recordedEvent.ts';
import { sseFrame } from '../testing/SseHub.ts';
import { until, watchCanvasState } from './watchCanvasState.ts';

const open: RecordedSession[] = [];
afterEach(() => {
  for (const session of open.splice(0)) session.close();
});

describe('CanvasStateStore', () => {
  it('[CONTRACT 4] the first snapshot is projected once (one state object, not one per notification)', async () => {
    const session = createRecordedSession({
      pace: 'instant',
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST, state: { notes: { a: { text: 'one' } } } })],
    });
    open.push(session);
    const w = watchCanvasState(session.transport);
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
    const w = watchCanvasState(transport);
    // Each CANVAS_READY is handled (the revision moves only with a snapshot: a resume's does not).
    let readies = 0;
    const offReady = transport.onReady(() => {
      readies += 1;
    });
    transport.connect();
    const doc = new Y.Doc();
    doc.getMap('notes').set('a', 1);
    write(ready(DEMO_BOARD_MANIFEST, 1, { update: bytesToBase64(Y.encodeStateAsUpdate(doc)), tokens: {} }));
    await until(() => readies === 1, 'the first CANVAS_READY');
    expect(transport.revision).toBe(1);
    const before = w.snapshots.at(-1)!;
    expect(before.notes).toEqual({ a: 1 });
    write(ready(DEMO_BOARD_MANIFEST, 2));
    await until(() => readies === 2, 'the second CANVAS_READY');
    expect(w.snapshots.at(-1)).toBe(before);
    write(ready({ ...DEMO_BOARD_MANIFEST, roots: { ...DEMO_BOARD_MANIFEST.roots, extra: 'map' } }, 3));
    await until(() => readies === 3, 'the third CANVAS_READY');
    const after = w.snapshots.at(-1)!;
    expect(after).not.toBe(before);
    expect(after.extra).toEqual({});
    expect(after.notes).toEqual({ a: 1 });
    offReady();
    w.stop();
    transport.close();
  });
});
