// @vitest-environment happy-dom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_BOARD_MANIFEST, demoRecording } from '../testing/fixtures.ts';
import { canvasReady, recordedEvent } from '../testing/recordedEvent.ts';
import { cleanupRecorded, renderRecorded } from '../testing/renderRecorded.tsx';
import { RealtimeOverlay } from './RealtimeOverlay.tsx';

afterEach(cleanupRecorded);

describe('RealtimeOverlay', () => {
  it('[CONTRACT 4] lists live events newest first, once each, without chat tokens', async () => {
    renderRecorded(<RealtimeOverlay />, demoRecording());
    await waitFor(() =>
      expect(screen.getAllByTestId('realtime-entry')[0]?.getAttribute('data-type')).toBe('commit_succeeded'),
    );
    const types = screen.getAllByTestId('realtime-entry').map((e) => e.getAttribute('data-type'));
    // canvas and realtime streams both carry these: the feed shows each once
    expect(types).toEqual(['commit_succeeded', 'turn_final', 'model_status', 'turn_accepted', 'CANVAS_READY']);
  });

  it('filters by group and pauses', async () => {
    const { session } = renderRecorded(<RealtimeOverlay />, demoRecording());
    await waitFor(() => expect(screen.getAllByTestId('realtime-entry').length).toBe(5));
    fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'Canvas' } });
    expect(screen.getAllByTestId('realtime-entry').map((e) => e.getAttribute('data-type'))).toEqual(['CANVAS_READY']);
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    session.gateway.push(recordedEvent('token_patch', { token_id: 'plan.title', op: 'set', value: 'x', revision: 20 }));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getAllByTestId('realtime-entry')).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(screen.getAllByTestId('realtime-entry')).toHaveLength(2));
    expect(screen.getAllByTestId('realtime-entry')[0]?.textContent).toContain('set plan.title = x');
  });

  it('shows the waiting state with no events', async () => {
    renderRecorded(<RealtimeOverlay types={['progress']} />, {
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })],
    });
    expect((await screen.findByText('Waiting for events…')).textContent).toBeTruthy();
  });

  it('[CONTRACT 10] a run’s streamed tokens do not flood the feed: its other events and the rest stay in view', async () => {
    const { session } = renderRecorded(<RealtimeOverlay limit={5} />, demoRecording());
    await waitFor(() => expect(screen.getAllByTestId('realtime-entry').length).toBe(5));
    const run = { run_id: 'run-1' };
    session.gateway.push(recordedEvent('run_event', { ...run, kind: 'tool', tool: 'canvas-stats.stats', phase: 'ok' }));
    for (let i = 0; i < 40; i++)
      session.gateway.push(recordedEvent('run_event', { ...run, kind: 'token', text: `w${i} ` }));
    session.gateway.push(recordedEvent('run_event', { ...run, kind: 'verdict', verdict: 'pass' }));
    await waitFor(() => expect(screen.getAllByTestId('realtime-entry')[0]?.textContent).toContain('run verdict: pass'));
    const summaries = screen
      .getAllByTestId('realtime-entry')
      .map((e) => e.querySelector('.ez-feed__summary')?.textContent);
    expect(summaries.slice(0, 2)).toEqual(['run verdict: pass', 'tool canvas-stats.stats ok']);
    expect(summaries.some((s) => s?.startsWith('run token'))).toBe(false);
  });
});
