// @vitest-environment happy-dom
import type { JsonValue } from '@easel/schemas';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_BOARD_MANIFEST, DEMO_WHITEBOARD_MANIFEST } from '../testing/fixtures.ts';
import { canvasReady } from '../testing/recordedEvent.ts';
import { cleanupRecorded, renderRecorded } from '../testing/renderRecorded.tsx';
import { CanvasHost } from './CanvasHost.tsx';
import { type CanvasProps, defineCanvas } from './defineCanvas.ts';

afterEach(cleanupRecorded);

interface NotesProjection {
  notes: Array<{ id: string; text: string }>;
  marked: boolean;
  title: string;
}

function NotesCanvas({ projection, emit, readOnly, rejected }: CanvasProps<NotesProjection>) {
  return (
    <div>
      <h3 data-testid="title">{projection.title}</h3>
      <ul>
        {projection.notes.map((n) => (
          <li key={n.id} data-testid={`note-${n.id}`}>
            {n.text}
          </li>
        ))}
      </ul>
      <p data-testid="marked">{String(projection.marked)}</p>
      <p data-testid="readonly">{String(readOnly)}</p>
      <p data-testid="rejected-prop">{rejected?.code ?? ''}</p>
      <button
        type="button"
        data-testid="add"
        onClick={() => void emit.ops([{ op: 'insert', root: 'notes', key: 'n3', value: { text: 'Ship it' } }])}
      >
        add
      </button>
      <button
        type="button"
        data-testid="mark"
        onClick={() => emit.edit((doc) => doc.getMap('layout').set('marked', true))}
      >
        mark
      </button>
    </div>
  );
}

const notesCanvas = defineCanvas<NotesProjection>({
  manifest: DEMO_BOARD_MANIFEST,
  project(state, tokens) {
    const notes = (state.notes ?? {}) as Record<string, { text?: JsonValue }>;
    return {
      notes: Object.entries(notes).map(([id, n]) => ({ id, text: String(n.text ?? '') })),
      marked: (state.layout as { marked?: boolean } | undefined)?.marked === true,
      title: String(tokens['plan.title'] ?? ''),
    };
  },
  Component: NotesCanvas,
});

const ready = canvasReady({
  manifest: DEMO_BOARD_MANIFEST,
  state: { notes: { n1: { text: 'Interview users' } }, layout: {} },
  tokens: { 'plan.title': 'Q3' },
});

describe('CanvasHost', () => {
  it('[CONTRACT 5] mounts the projection and applies emitted state.ops once the gateway streams them back', async () => {
    const { session } = renderRecorded(<CanvasHost cartridge={notesCanvas} />, { canvas: [ready] });
    expect((await screen.findByTestId('note-n1')).textContent).toBe('Interview users');
    expect(screen.getByTestId('title').textContent).toBe('Q3');
    fireEvent.click(screen.getByTestId('add'));
    expect((await screen.findByTestId('note-n3')).textContent).toBe('Ship it');
    expect(session.gateway.commands[0]?.type).toBe('state.ops');
  });

  it('[CONTRACT 5] a refused local edit is reverted and its reason shown', async () => {
    const { session } = renderRecorded(<CanvasHost cartridge={notesCanvas} />, {
      canvas: [ready],
      refuse: { 'state.update': { code: 'forbidden', message: 'planners may not write the layout root' } },
    });
    await screen.findByTestId('note-n1');
    fireEvent.click(screen.getByTestId('mark'));
    // The refused edit is rolled back by the transport and the reason shown beside the canvas.
    const banner = await screen.findByTestId('rejected-edit');
    expect(banner.textContent).toContain('planners may not write the layout root');
    expect(banner.textContent).toContain('undone');
    await waitFor(() => expect(screen.getByTestId('marked').textContent).toBe('false'));
    expect(screen.getByTestId('rejected-prop').textContent).toBe('forbidden');
    expect(session.transport.doc.getMap('layout').get('marked')).toBeUndefined();
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('rejected-edit')).toBeNull();
  });

  it('[CONTRACT 6] a viewer gets readOnly and a note saying so', async () => {
    renderRecorded(<CanvasHost cartridge={notesCanvas} />, { canvas: [ready], actor: { id: 'v', roles: ['viewer'] } });
    await waitFor(() => expect(screen.getByTestId('readonly').textContent).toBe('true'));
    expect(screen.getByRole('note').textContent).toContain('View only');
  });

  it('an editor does not get readOnly', async () => {
    renderRecorded(<CanvasHost cartridge={notesCanvas} />, { canvas: [ready], actor: { id: 'e', roles: ['editor'] } });
    await screen.findByTestId('note-n1');
    await waitFor(() => expect(screen.queryByRole('note')).toBeNull());
    expect(screen.getByTestId('readonly').textContent).toBe('false');
  });

  it('says so when the canvas is of another type than the cartridge', async () => {
    renderRecorded(<CanvasHost cartridge={notesCanvas} />, {
      canvas: [canvasReady({ manifest: DEMO_WHITEBOARD_MANIFEST })],
    });
    expect((await screen.findByRole('alert')).textContent).toContain('“whiteboard”');
  });

  it('shows the loading state until CANVAS_READY', async () => {
    renderRecorded(<CanvasHost cartridge={notesCanvas} />, { canvas: [] });
    expect((await screen.findByRole('status')).textContent).toContain('Loading Board');
  });

  it('defineCanvas refuses a cartridge without roots or component (programmer error)', () => {
    expect(() => defineCanvas({ ...notesCanvas, manifest: { ...DEMO_BOARD_MANIFEST, roots: {} } })).toThrow(/no roots/);
    expect(() => defineCanvas({ ...notesCanvas, Component: undefined as never })).toThrow(TypeError);
  });
});
