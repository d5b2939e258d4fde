// @vitest-environment happy-dom
import type { JsonValue } from '@easel/schemas';
import { screen, waitFor } from '@testing-library/react';
import { bytesToBase64 } from '@easel/transport';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEMO_BOARD_MANIFEST } from '../testing/fixtures.ts';
import { canvasReady, recordedEvent } from '../testing/recordedEvent.ts';
import { cleanupRecorded, renderRecorded } from '../testing/renderRecorded.tsx';
import { useCanvasState } from './useCanvasState.ts';

afterEach(cleanupRecorded);

const seen: Array<Readonly<Record<string, JsonValue>>> = [];

function Probe() {
  const state = useCanvasState();
  const count = useCanvasState((s) => Object.keys((s.notes as object) ?? {}).length);
  seen.push(state);
  return <p data-testid="count">{count}</p>;
}

describe('useCanvasState', () => {
  it('[CONTRACT 4] recomputes after document updates, keeps untouched roots and is identical between updates', async () => {
    seen.length = 0;
    const { session, rerender } = renderRecorded(<Probe />, {
      canvas: [
        canvasReady({
          manifest: DEMO_BOARD_MANIFEST,
          state: { notes: { a: { text: 'one' } }, layout: { columns: ['x'] } },
        }),
      ],
    });
    await waitFor(() => expect(screen.getByTestId('count').textContent).toBe('1'));
    const before = seen.at(-1)!;
    rerender(<Probe />);
    expect(seen.at(-1)).toBe(before);

    // an edit of `notes` streamed back by the gateway
    session.transport.doc.getMap('notes').set('b', 'two');
    await waitFor(() => expect(screen.getByTestId('count').textContent).toBe('2'));
    const after = seen.at(-1)!;
    expect(after).not.toBe(before);
    expect(after.layout).toBe(before.layout);
    expect(after.notes).toEqual({ a: { text: 'one' }, b: 'two' });
    await waitFor(() => expect(session.gateway.commands.map((c) => c.type)).toEqual(['state.update']));
  });

  it('[CONTRACT 4] follows the document the transport replaces on a reset', async () => {
    const { session } = renderRecorded(<Probe />, {
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST, state: { notes: { a: 1 } } })],
      refuse: { 'state.update': { code: 'forbidden', message: 'no' } },
    });
    await waitFor(() => expect(screen.getByTestId('count').textContent).toBe('1'));
    const first = session.transport.doc;
    session.transport.doc.getMap('notes').set('z', 1);
    await waitFor(() => expect(session.transport.doc).not.toBe(first));
    await waitFor(() => expect(screen.getByTestId('count').textContent).toBe('1'));
    // A remote patch applied to the new document reaches the hook.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(session.transport.doc));
    other.getMap('notes').set('y', 1);
    const update = bytesToBase64(Y.encodeStateAsUpdate(other, Y.encodeStateVector(session.transport.doc)));
    session.gateway.push(recordedEvent('state_patch', { roots: ['notes'], revision: 5, update }));
    await waitFor(() => expect(screen.getByTestId('count').textContent).toBe('2'));
  });
});
