import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedCanvas } from '../lib/RecordedCanvas.tsx';

const meta = {
  title: 'Canvases/RunConsole',
  component: RecordedCanvas,
  args: { type: 'run-console', recording: 'runConsole', pace: 'recorded' },
} satisfies Meta<typeof RecordedCanvas>;
export default meta;

/** A recorded run: its events replay from the run stream until the verdict. */
export const RecordedRun: StoryObj<typeof meta> = {};
