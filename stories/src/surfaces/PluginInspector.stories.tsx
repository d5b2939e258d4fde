import { PluginInspector } from '@easel/harness';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedSurface } from '../lib/RecordedSurface.tsx';
import type { RecordingName } from '../lib/recordings.ts';

/** PluginInspector (#plugin-inspector): plugin states, counts and timings as recorded. */
function PluginInspectorStory(props: { recording: RecordingName; pace: 'recorded' | 'instant' }) {
  return (
    <RecordedSurface recording={props.recording} pace={props.pace} width={420}>
      <PluginInspector />
    </RecordedSurface>
  );
}

const meta = {
  title: 'Surfaces/PluginInspector',
  component: PluginInspectorStory,
  args: { recording: 'console', pace: 'recorded' },
} satisfies Meta<typeof PluginInspectorStory>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Plugins: Story = {};
