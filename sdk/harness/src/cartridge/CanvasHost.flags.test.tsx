// @vitest-environment happy-dom
import type { CanvasTypeManifest } from '@easel/schemas';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_PLUGINS, DEMO_WHITEBOARD_MANIFEST } from '../testing/fixtures.ts';
import { canvasReady } from '../testing/recordedEvent.ts';
import { cleanupRecorded, renderRecorded } from '../testing/renderRecorded.tsx';
import { CanvasHost } from './CanvasHost.tsx';
import { type CanvasProps, defineCanvas, type EmitResult } from './defineCanvas.ts';
import { useHostShowsNotices } from './HostNotices.ts';

afterEach(cleanupRecorded);

const MANIFEST: CanvasTypeManifest = {
  ...DEMO_WHITEBOARD_MANIFEST,
  tools: [
    ...DEMO_WHITEBOARD_MANIFEST.tools.filter((t) => t.id !== 'thumbnail'),
    { id: 'thumbnail', label: 'Thumbnail', command: 'state.ops', plugin: { name: 'thumbnail', tool: 'render' } },
  ],
};

function Sketch({ emit, rejected, readOnly }: CanvasProps<null>) {
  const hosted = useHostShowsNotices();
  const [outcome, setOutcome] = useState<EmitResult | null>(null);
  return (
    <div>
      {hosted ? null : <p data-testid="own-notice">{rejected?.message ?? (readOnly ? 'read only' : '')}</p>}
      <button
        type="button"
        data-testid="thumb"
        onClick={() => void emit.tool('thumbnail', { params: { width: 64 } }).then(setOutcome)}
      >
        thumb
      </button>
      <output data-testid="outcome">{outcome === null ? '' : JSON.stringify(outcome)}</output>
    </div>
  );
}

const sketch = (drawsOwnCursors: boolean) =>
  defineCanvas<null>({ manifest: MANIFEST, project: () => null, Component: Sketch, drawsOwnCursors });

const peer = { actor: { id: 'pat', kind: 'human' as const, name: 'Pat', color: '#f00' }, cursor: { x: 10, y: 20 } };
const ready = canvasReady({ manifest: MANIFEST, state: { shapes: {}, layers: [] } });

describe('CanvasHost cartridge flags', () => {
  it('[CONTRACT 7] a cartridge that draws its own cursors gets no harness cursor layer; others do', async () => {
    renderRecorded(<CanvasHost cartridge={sketch(false)} />, { canvas: [ready], peers: [peer] });
    await screen.findByTestId('cursor-pat');
    cleanupRecorded();
    renderRecorded(<CanvasHost cartridge={sketch(true)} />, { canvas: [ready], peers: [peer] });
    await screen.findByTestId('thumb');
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('cursor-pat')).toBeNull();
  });

  it('[CONTRACT 6] the host owns the view-only note: a hosted canvas is told not to repeat it', async () => {
    renderRecorded(<CanvasHost cartridge={sketch(true)} />, { canvas: [ready], actor: { id: 'v', roles: ['viewer'] } });
    await waitFor(() => expect(screen.getByRole('note').textContent).toContain('View only'));
    expect(screen.queryByTestId('own-notice')).toBeNull();
  });

  it('[CONTRACT 9] a plugin tool starts a job <plugin>.<tool> on this canvas and resolves with its outcome', async () => {
    const { session } = renderRecorded(<CanvasHost cartridge={sketch(true)} />, {
      canvas: [ready],
      plugins: DEMO_PLUGINS,
    });
    fireEvent.click(await screen.findByTestId('thumb'));
    await waitFor(() => expect(screen.getByTestId('outcome').textContent).not.toBe(''), { timeout: 8_000 });
    const outcome = JSON.parse(screen.getByTestId('outcome').textContent!) as EmitResult;
    expect(outcome).toMatchObject({ ok: true, job: { status: 'succeeded' } });
    expect(session.gateway.commands).toHaveLength(0);
  });

  it('[CONTRACT 9] a plugin tool whose plugin is missing resolves with the refusal and shows it once', async () => {
    renderRecorded(<CanvasHost cartridge={sketch(true)} />, { canvas: [ready], plugins: [] });
    fireEvent.click(await screen.findByTestId('thumb'));
    const banner = await screen.findByTestId('rejected-edit');
    expect(banner.textContent).toContain('not_found');
    expect(JSON.parse(screen.getByTestId('outcome').textContent!)).toMatchObject({ ok: false, code: 'not_found' });
    expect(screen.getAllByRole('alert')).toHaveLength(1);
  });
});
