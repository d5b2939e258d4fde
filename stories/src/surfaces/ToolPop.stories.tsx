import { boardCanvas } from '@easel/canvases';
import { ToolPop } from '@easel/harness';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedSurface } from '../lib/RecordedSurface.tsx';
import type { RecordingName } from '../lib/recordings.ts';

/** ToolPop: the manifest's tools as commands (the board cartridge builds Add note's ops). */
function ToolPopStory(props: { recording: RecordingName; pace: 'recorded' | 'instant' }) {
  return (
    <RecordedSurface recording={props.recording} pace={props.pace} width={600}>
      <ToolPop cartridge={boardCanvas} />
    </RecordedSurface>
  );
}

const meta = {
  title: 'Surfaces/ToolPop',
  component: ToolPopStory,
  args: { recording: 'boardFull', pace: 'recorded' },
} satisfies Meta<typeof ToolPopStory>;
export default meta;
type Story = StoryObj<typeof meta>;

export const BoardTools: Story = {};
