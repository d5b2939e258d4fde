import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedCanvas } from '../lib/RecordedCanvas.tsx';
import { waitForElement } from '../lib/waitFor.ts';

const meta = {
  title: 'Canvases/Board',
  component: RecordedCanvas,
  args: { type: 'board', recording: 'boardFull', pace: 'recorded' },
} satisfies Meta<typeof RecordedCanvas>;
export default meta;
type Story = StoryObj<typeof meta>;

/** A board just created: no notes yet. */
export const Empty: Story = { args: { recording: 'boardEmpty' } };

/** Notes in three columns, then live: a planner's note, a commit, the agent's two notes. */
export const Full: Story = {};

/** Seen by a viewer: the lens lets it read, not write (no editing controls). */
export const ReadOnly: Story = { args: { recording: 'boardReadonly' } };

/** A planner's edit refused by the gateway (the recorded refusal): reverted, with the reason shown. */
export const Rejected: Story = {
  args: { recording: 'boardRejected' },
  play: async ({ canvasElement }) => {
    const add = await waitForElement(canvasElement, '[data-testid="add-note"]');
    add.click();
    await waitForElement(canvasElement, '[data-testid="rejected-edit"], [role="alert"]');
  },
};
