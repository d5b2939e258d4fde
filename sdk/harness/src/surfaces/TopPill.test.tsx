// @vitest-environment happy-dom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_BOARD_MANIFEST, demoRecording } from '../testing/fixtures.ts';
import { canvasReady } from '../testing/recordedEvent.ts';
import { cleanupRecorded, renderRecorded } from '../testing/renderRecorded.tsx';
import { PresenceCursors } from './PresenceCursors.tsx';
import { TopPill } from './TopPill.tsx';

afterEach(cleanupRecorded);

describe('TopPill and PresenceCursors', () => {
  it('[CONTRACT 7] shows the connection status and one avatar per actor, agents included', async () => {
    renderRecorded(<TopPill title="Studio" />, demoRecording());
    await waitFor(() => expect(screen.getByTestId('connection-status').textContent).toBe('open'));
    expect(await screen.findByTestId('presence-avatar-dana')).toBeTruthy();
    expect(screen.getByTestId('presence-avatar-sam').textContent).toContain('Sam');
    const agent = screen.getByTestId('presence-avatar-agent');
    expect(agent.className).toContain('ez-avatar--agent');
    expect(agent.textContent).toContain('agent');
  });

  it('[CONTRACT 7] draws the others’ cursors where presence says, and follows them', async () => {
    const { session } = renderRecorded(
      <div style={{ position: 'relative' }}>
        <PresenceCursors />
      </div>,
      demoRecording(),
    );
    const sam = await screen.findByTestId('cursor-sam');
    expect(sam.style.transform).toBe('translate(140px, 90px)');
    session.presence.setPeers([
      { actor: { id: 'sam', kind: 'human', name: 'Sam', color: '#1a7f4b' }, cursor: { x: 10, y: 20 } },
    ]);
    await waitFor(() => expect(screen.getByTestId('cursor-sam').style.transform).toBe('translate(10px, 20px)'));
    expect(screen.queryByTestId('cursor-agent')).toBeNull();
    expect(screen.queryByTestId('cursor-dana')).toBeNull();
  });

  it('switches canvases from its tabs', async () => {
    const onSelect = vi.fn();
    renderRecorded(
      <TopPill
        canvases={[
          { canvasId: 'a', title: 'Plan' },
          { canvasId: 'b', title: 'Sketch' },
        ]}
        activeCanvasId="a"
        onSelectCanvas={onSelect}
      />,
      { canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })] },
    );
    expect(screen.getByRole('tab', { name: 'Plan' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.click(screen.getByRole('tab', { name: 'Sketch' }));
    expect(onSelect).toHaveBeenCalledWith('b');
  });

  it('[CONTRACT 4] stops reading "open" when the gateway goes away', async () => {
    const { session } = renderRecorded(<TopPill />, { canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })] });
    await waitFor(() => expect(screen.getByTestId('connection-status').textContent).toBe('open'));
    session.gateway.close();
    await waitFor(() => expect(screen.getByTestId('connection-status').textContent).not.toBe('open'));
    expect(['reconnecting', 'offline', 'connecting']).toContain(screen.getByTestId('connection-status').textContent);
  });
});
