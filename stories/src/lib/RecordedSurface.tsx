import { HarnessStyles } from '@easel/harness';
import { RecordedEaselProvider } from '@easel/harness/testing';
import type { ReactNode } from 'react';
import { type RecordingName, recording } from './recordings.ts';

/** A tool surface inside `RecordedEaselProvider`, on one recorded stream, in a panel-sized frame. */
export function RecordedSurface(props: {
  recording: RecordingName;
  pace?: 'recorded' | 'instant';
  width?: number;
  children: ReactNode;
}): ReactNode {
  return (
    <RecordedEaselProvider recording={recording(props.recording, props.pace ?? 'recorded')}>
      <HarnessStyles />
      <div style={{ maxWidth: props.width ?? 420, padding: 16 }}>{props.children}</div>
    </RecordedEaselProvider>
  );
}
