import { ConsoleTemplate } from '@easel/harness';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedCanvases } from '../lib/RecordedCanvases.tsx';
import { recording } from '../lib/recordings.ts';

/** Console: run console, live event feed, job controls with progress, plugin inspector (a recorded job). */
function Console(props: { pace: 'recorded' | 'instant' }) {
  return (
    <RecordedCanvases
      canvases={[
        { recording: recording('console', props.pace), title: 'Whiteboard' },
        { recording: recording('runConsole', props.pace), title: 'Runs' },
        { recording: recording('mediaNotPermitted', props.pace), title: 'Media' },
      ]}
    >
      {(canvases) => <ConsoleTemplate canvases={canvases} title="Run console" />}
    </RecordedCanvases>
  );
}

const meta = {
  title: 'Templates/Console',
  component: Console,
  args: { pace: 'recorded' },
} satisfies Meta<typeof Console>;
export default meta;
type Story = StoryObj<typeof meta>;

/** The recorded job replays: progress, plugin status and completion on the timeline. */
export const JobReplay: Story = {};
export const Settled: Story = { args: { pace: 'instant' } };
