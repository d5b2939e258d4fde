// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useCanvasMeta } from '../hooks/useCanvasMeta.ts';
import { useCanvasState } from '../hooks/useCanvasState.ts';
import { useTokens } from '../hooks/useTokens.ts';
import { EaselProvider } from '../provider/EaselProvider.tsx';
import { TopPill } from '../surfaces/TopPill.tsx';
import { RecordedEaselProvider } from './RecordedEaselProvider.tsx';
import { createRecordedSession, type RecordedSession } from './createRecordedSession.ts';
import { demoRecording } from './fixtures.ts';
import { recordedEvent } from './recordedEvent.ts';

let session: RecordedSession | null = null;
afterEach(() => {
  cleanup();
  session?.close();
  session = null;
});

function Probe() {
  const meta = useCanvasMeta();
  const state = useCanvasState();
  const { values } = useTokens();
  return (
    <div>
      <p data-testid="rev">{String(meta.revision)}</p>
      <p data-testid="notes">{Object.keys((state.notes as object) ?? {}).join(',')}</p>
      <p data-testid="title">{String(values['plan.title'])}</p>
    </div>
  );
}

describe('recorded sessions replay through the real transport', () => {
  it('[CONTRACT 4] a recorded CANVAS_READY snapshot and later patches reach the hooks', async () => {
    session = createRecordedSession(demoRecording({ pace: 'instant' }));
    render(
      <EaselProvider transport={session.transport} api={session.api} presence={session.presence}>
        <Probe />
      </EaselProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('notes').textContent).toBe('n1,n2'));
    expect(screen.getByTestId('title').textContent).toBe('Q3 launch');
    session.gateway.push(
      recordedEvent('token_patch', { token_id: 'plan.title', op: 'set', value: 'Q4 launch', revision: 14 }),
    );
    await waitFor(() => expect(screen.getByTestId('title').textContent).toBe('Q4 launch'));
    expect(screen.getByTestId('rev').textContent).toBe('14');
  });
});

describe('RecordedEaselProvider', () => {
  it('survives React StrictMode (mount, unmount, mount) and keeps streaming', async () => {
    render(
      <StrictMode>
        <RecordedEaselProvider recording={demoRecording({ pace: 'instant' })}>
          <Probe />
          <TopPill />
        </RecordedEaselProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('notes').textContent).toBe('n1,n2'));
    await waitFor(() => expect(screen.getByTestId('connection-status').textContent).toBe('open'));
    expect(await screen.findByTestId('presence-avatar-sam')).toBeTruthy();
    expect(screen.getByTestId('presence-avatar-dana')).toBeTruthy();
  });
});
