import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedCanvas } from '../lib/RecordedCanvas.tsx';

const meta = {
  title: 'Canvases/Media',
  component: RecordedCanvas,
  args: { type: 'media', recording: 'mediaNotPermitted', pace: 'instant' },
} satisfies Meta<typeof RecordedCanvas>;
export default meta;

/** A planner's view: the lens grants no sidecar access, so the gallery says so and lists nothing. */
export const NotPermitted: StoryObj<typeof meta> = {};
