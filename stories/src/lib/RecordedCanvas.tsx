import { CanvasHost, HarnessStyles } from '@easel/harness';
import { RecordedEaselProvider } from '@easel/harness/testing';
import type { ReactNode } from 'react';
import { type RecordingName, recording } from './recordings.ts';
import { cartridgeFor } from './storyCartridges.tsx';

/** One canvas through `CanvasHost` (lens, projection, emitter, presence, refusals) on a recorded stream. */
export function RecordedCanvas(props: {
  recording: RecordingName;
  type: string;
  pace?: 'recorded' | 'instant';
  cursors?: boolean;
}): ReactNode {
  return (
    <RecordedEaselProvider recording={recording(props.recording, props.pace ?? 'recorded')}>
      <HarnessStyles />
      <div style={{ padding: 16, maxWidth: 980 }}>
        <CanvasHost cartridge={cartridgeFor(props.type)} cursors={props.cursors ?? props.type !== 'whiteboard'} />
      </div>
    </RecordedEaselProvider>
  );
}
