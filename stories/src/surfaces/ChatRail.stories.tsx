import { ChatRail } from '@easel/harness';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedSurface } from '../lib/RecordedSurface.tsx';
import type { RecordingName } from '../lib/recordings.ts';

/** ChatRail: the recorded agent turn streams in word by word, then its commit outcome. */
function ChatRailStory(props: { recording: RecordingName; pace: 'recorded' | 'instant' }) {
  return (
    <RecordedSurface recording={props.recording} pace={props.pace} width={360}>
      <ChatRail title="Ada" />
    </RecordedSurface>
  );
}

const meta = {
  title: 'Surfaces/ChatRail',
  component: ChatRailStory,
  args: { recording: 'boardFull', pace: 'recorded' },
} satisfies Meta<typeof ChatRailStory>;
export default meta;
type Story = StoryObj<typeof meta>;

export const StreamedTurn: Story = {};
