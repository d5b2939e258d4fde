import { SplitTemplate } from '@easel/harness';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { RecordedCanvases } from '../lib/RecordedCanvases.tsx';
import { recording } from '../lib/recordings.ts';

/** Split: two canvases side by side, each on its own recorded stream. */
function Split(props: { pace: 'recorded' | 'instant' }) {
  return (
    <RecordedCanvases
      canvases={[
        { recording: recording('boardFull', props.pace), title: 'Outline' },
        { recording: recording('doc', props.pace), title: 'Brief' },
      ]}
    >
      {(canvases) => <SplitTemplate canvases={canvases} title="Plan and write" />}
    </RecordedCanvases>
  );
}

const meta = { title: 'Templates/Split', component: Split, args: { pace: 'recorded' } } satisfies Meta<typeof Split>;
export default meta;
export const BoardAndDoc: StoryObj<typeof meta> = {};
