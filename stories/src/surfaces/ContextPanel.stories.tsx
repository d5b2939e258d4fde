import { ContextPanel } from '@easel/harness';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedSurface } from '../lib/RecordedSurface.tsx';
import type { RecordingName } from '../lib/recordings.ts';

/** ContextPanel: canvas, revision, project, who is here, your roles and rights. */
function ContextPanelStory(props: { recording: RecordingName; pace: 'recorded' | 'instant' }) {
  return (
    <RecordedSurface recording={props.recording} pace={props.pace} width={380}>
      <ContextPanel>Plan a launch on a board and sketch it on a whiteboard.</ContextPanel>
    </RecordedSurface>
  );
}

const meta = {
  title: 'Surfaces/ContextPanel',
  component: ContextPanelStory,
  args: { recording: 'boardFull', pace: 'recorded' },
} satisfies Meta<typeof ContextPanelStory>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Board: Story = {};
