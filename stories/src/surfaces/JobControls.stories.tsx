import { JobControls } from '@easel/harness';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedSurface } from '../lib/RecordedSurface.tsx';
import type { RecordingName } from '../lib/recordings.ts';

/** JobControls: #device-selector, a #toggle-<plugin> per plugin, #fps-slider; starting replays a job. */
function JobControlsStory(props: { recording: RecordingName; pace: 'recorded' | 'instant' }) {
  return (
    <RecordedSurface recording={props.recording} pace={props.pace} width={520}>
      <JobControls />
    </RecordedSurface>
  );
}

const meta = {
  title: 'Surfaces/JobControls',
  component: JobControlsStory,
  args: { recording: 'console', pace: 'recorded' },
} satisfies Meta<typeof JobControlsStory>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Controls: Story = {};
