import { RealtimeOverlay } from '@easel/harness';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedSurface } from './lib/RecordedSurface.tsx';
import type { RecordingName } from './lib/recordings.ts';

/** RealtimeOverlay: the live event feed of the project timeline (a recorded job on a whiteboard). */
function RealtimeOverlayStory(props: { recording: RecordingName; pace: 'recorded' | 'instant' }) {
  return (
    <RecordedSurface recording={props.recording} pace={props.pace} width={520}>
      <RealtimeOverlay />
    </RecordedSurface>
  );
}

const meta = {
  title: 'Surfaces/RealtimeOverlay',
  component: RealtimeOverlayStory,
  args: { recording: 'console', pace: 'recorded' },
} satisfies Meta<typeof RealtimeOverlayStory>;
export default meta;
type Story = StoryObj<typeof meta>;

export const JobTimeline: Story = {};
