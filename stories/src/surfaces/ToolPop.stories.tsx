import { boardCanvas } from '@easel/canvases';
import { ToolPop } from '@easel/harness';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedSurface } from '../lib/RecordedSurface.tsx';
import { waitForElement } from '../lib/waitFor.ts';
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

/**
 * A planner (lens §6: no `canvas.commit`): Commit stays in the tab order, off (`aria-disabled`),
 * and says why when it has the focus (here focused by the play function, as Tab would).
 */
export const PlannerCommitOff: Story = {
  args: { recording: 'boardRejected', pace: 'instant' },
  play: async ({ canvasElement }) => {
    const commit = await waitForElement(canvasElement, '[data-testid="tool-commit"][aria-disabled="true"]');
    commit.focus();
  },
};
