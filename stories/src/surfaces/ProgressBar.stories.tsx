import { ProgressBar } from '@easel/harness';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedSurface } from '../lib/RecordedSurface.tsx';
import type { RecordingName } from '../lib/recordings.ts';

/** ProgressBar (#progress-bar): the current job's progress, from the recorded timeline. */
function ProgressBarStory(props: { recording: RecordingName; pace: 'recorded' | 'instant' }) {
  return (
    <RecordedSurface recording={props.recording} pace={props.pace} width={520}>
      <ProgressBar />
    </RecordedSurface>
  );
}

const meta = {
  title: 'Surfaces/ProgressBar',
  component: ProgressBarStory,
  args: { recording: 'console', pace: 'recorded' },
} satisfies Meta<typeof ProgressBarStory>;
export default meta;
type Story = StoryObj<typeof meta>;

export const RecordedJob: Story = {};
