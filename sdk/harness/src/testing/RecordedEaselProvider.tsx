import { type ReactNode, useEffect, useState } from 'react';
import { EaselProvider } from '../provider/EaselProvider.tsx';
import { createRecordedSession, type RecordedSession } from './createRecordedSession.ts';
import type { Recording } from './Recording.ts';

const closing = new WeakMap<RecordedSession, ReturnType<typeof setTimeout>>();

export interface RecordedEaselProviderProps {
  /** The recording to replay (read once, on mount). */
  recording: Recording;
  /** Receives the session (e.g. to push more events from a story's play function). */
  onSession?: (session: RecordedSession) => void;
  children?: ReactNode;
}

/**
 * `<EaselProvider>` over a recorded session: the one-liner for stories and component tests.
 * The session is closed on unmount.
 */
export function RecordedEaselProvider(props: RecordedEaselProviderProps): ReactNode {
  const [session] = useState(() => createRecordedSession(props.recording));
  const { onSession } = props;
  useEffect(() => {
    onSession?.(session);
  }, [session, onSession]);
  useEffect(() => {
    // Deferred, so React StrictMode's unmount-and-remount keeps the session.
    const pending = closing.get(session);
    if (pending !== undefined) clearTimeout(pending);
    return () => {
      closing.set(
        session,
        setTimeout(() => session.close(), 0),
      );
    };
  }, [session]);
  return (
    <EaselProvider
      transport={session.transport}
      realtime={session.realtime}
      api={session.api}
      presence={session.presence}
    >
      {props.children}
    </EaselProvider>
  );
}
