// @vitest-environment happy-dom
import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_BOARD_MANIFEST } from '../testing/fixtures.ts';
import { canvasReady, recordedEvent } from '../testing/recordedEvent.ts';
import { cleanupRecorded, renderRecorded } from '../testing/renderRecorded.tsx';
import { useRunStream } from './useRunStream.ts';

afterEach(cleanupRecorded);

function RunView({ runId }: { runId: string | null }) {
  const { events, verdict, status, error } = useRunStream(runId);
  return (
    <div>
      <p data-testid="status">{status}</p>
      <p data-testid="kinds">{events.map((e) => e.kind).join(',')}</p>
      <p data-testid="verdict">{verdict?.verdict ?? ''}</p>
      <p data-testid="error">{error ?? ''}</p>
    </div>
  );
}

const agent = { actor: { id: 'agent', kind: 'agent' as const } };
const recording = {
  canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })],
  runs: {
    'run-7': [
      recordedEvent('run_event', { run_id: 'run-7', kind: 'token', text: 'Hi' }, agent),
      recordedEvent(
        'run_event',
        { run_id: 'run-7', kind: 'verdict', verdict: 'stopped', budget_exceeded: 'tokens' },
        agent,
      ),
    ],
  },
};

describe('useRunStream', () => {
  it('[CONTRACT 10] collects a run’s events and its verdict', async () => {
    renderRecorded(<RunView runId="run-7" />, recording);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('ended'));
    expect(screen.getByTestId('kinds').textContent).toBe('token,verdict');
    expect(screen.getByTestId('verdict').textContent).toBe('stopped');
  });

  it('is idle for no run, and reports an unknown run as an error', async () => {
    const { rerender } = renderRecorded(<RunView runId={null} />, recording);
    expect(screen.getByTestId('status').textContent).toBe('idle');
    rerender(<RunView runId="run-0" />);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('error'));
    expect(screen.getByTestId('error').textContent).toContain('no run run-0');
  });
});
