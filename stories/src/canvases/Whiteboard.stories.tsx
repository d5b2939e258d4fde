import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedCanvas } from '../lib/RecordedCanvas.tsx';

const meta = {
  title: 'Canvases/Whiteboard',
  component: RecordedCanvas,
  args: { type: 'whiteboard', recording: 'whiteboard', pace: 'recorded' },
} satisfies Meta<typeof RecordedCanvas>;
export default meta;

/** Shapes, collaborators' live cursors, and a shape moved while a recorded job runs. */
export const Shapes: StoryObj<typeof meta> = {};
