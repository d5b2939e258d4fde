import { TopPill } from '@easel/harness';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedSurface } from '../lib/RecordedSurface.tsx';
import type { RecordingName } from '../lib/recordings.ts';

/** TopPill: connection status, presence avatars (a person and an agent), canvas switcher. */
function TopPillStory(props: { recording: RecordingName; pace: 'recorded' | 'instant' }) {
  return (
    <RecordedSurface recording={props.recording} pace={props.pace} width={900}>
      <TopPill
        title="Launch studio"
        canvases={[
          { canvasId: 'rec-board', title: 'Launch plan' },
          { canvasId: 'rec-whiteboard', title: 'Sketches' },
        ]}
        activeCanvasId="rec-board"
      />
    </RecordedSurface>
  );
}

const meta = {
  title: 'Surfaces/TopPill',
  component: TopPillStory,
  args: { recording: 'boardFull', pace: 'recorded' },
} satisfies Meta<typeof TopPillStory>;
export default meta;
type Story = StoryObj<typeof meta>;

export const WithPresence: Story = {};
