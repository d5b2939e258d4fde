import { TokenPanel } from '@easel/harness';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedSurface } from '../lib/RecordedSurface.tsx';
import { waitForElement } from '../lib/waitFor.ts';
import type { RecordingName } from '../lib/recordings.ts';

/** TokenPanel: the tokens the lens lets you read, editable where it lets you write. */
function TokenPanelStory(props: { recording: RecordingName; pace: 'recorded' | 'instant' }) {
  return (
    <RecordedSurface recording={props.recording} pace={props.pace} width={380}>
      <TokenPanel />
    </RecordedSurface>
  );
}

const meta = {
  title: 'Surfaces/TokenPanel',
  component: TokenPanelStory,
  args: { recording: 'boardFull', pace: 'recorded' },
} satisfies Meta<typeof TokenPanelStory>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Director: Story = {};

/** A planner: only plan.* tokens; a write the gateway refused (recorded) shows its reason. */
export const PlannerRefused: Story = {
  args: { recording: 'boardRejected', pace: 'instant' },
  play: async ({ canvasElement }) => {
    const input = (await waitForElement(canvasElement, '[data-testid="token-plan.count"]')) as HTMLInputElement;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    setter?.call(input, '-5');
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new FocusEvent('blur'));
    input.dispatchEvent(new FocusEvent('focusout', { bubbles: true }));
    await waitForElement(canvasElement, '[data-testid="token-error"]');
  },
};
