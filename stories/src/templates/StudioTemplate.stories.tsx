import { StudioTemplate } from '@easel/harness';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedCanvases } from '../lib/RecordedCanvases.tsx';
import { recording } from '../lib/recordings.ts';

/** Studio: chat rail, top pill, the active canvas with its tools, context and tokens (recorded streams). */
function Studio(props: { pace: 'recorded' | 'instant' }) {
  return (
    <RecordedCanvases
      canvases={[
        { recording: recording('boardFull', props.pace), title: 'Launch plan' },
        { recording: recording('whiteboard', props.pace), title: 'Sketches' },
      ]}
    >
      {(canvases) => <StudioTemplate canvases={canvases} title="Launch studio" />}
    </RecordedCanvases>
  );
}

const meta = {
  title: 'Templates/Studio',
  component: Studio,
  args: { pace: 'recorded' },
} satisfies Meta<typeof Studio>;
export default meta;
type Story = StoryObj<typeof meta>;

/** The board replays live: a planner's note, a commit, then the agent's streamed turn and its commit. */
export const Live: Story = {};
/** Everything at once (the final state). */
export const Settled: Story = { args: { pace: 'instant' } };
