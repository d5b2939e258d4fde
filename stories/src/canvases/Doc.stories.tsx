import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedCanvas } from '../lib/RecordedCanvas.tsx';

const meta = {
  title: 'Canvases/Doc',
  component: RecordedCanvas,
  args: { type: 'doc', recording: 'doc', pace: 'recorded' },
} satisfies Meta<typeof RecordedCanvas>;
export default meta;

/** A block tree and collaborative body text; the agent adds a block live. */
export const Brief: StoryObj<typeof meta> = {};
