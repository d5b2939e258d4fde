import { cleanup, type RenderResult, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { EaselProvider } from '../provider/EaselProvider.tsx';
import { createRecordedSession, type RecordedSession } from './createRecordedSession.ts';
import type { Recording } from './Recording.ts';

const open = new Set<RecordedSession>();

/**
 * Test helper: renders `ui` inside an `<EaselProvider>` over a recorded session (instant pace
 * unless the recording says otherwise), or over a session made beforehand. Pair with {@link cleanupRecorded} in `afterEach`.
 */
export function renderRecorded(
  ui: ReactNode,
  recording: Recording | RecordedSession,
): RenderResult & { session: RecordedSession } {
  const session = 'gateway' in recording ? recording : createRecordedSession({ pace: 'instant', ...recording });
  open.add(session);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <EaselProvider
      transport={session.transport}
      realtime={session.realtime}
      api={session.api}
      presence={session.presence}
    >
      {children}
    </EaselProvider>
  );
  const result = render(ui, { wrapper });
  return { ...result, session };
}

/** Unmounts and closes every session {@link renderRecorded} opened. */
export function cleanupRecorded(): void {
  cleanup();
  for (const session of open) session.close();
  open.clear();
}
