import type { Preview } from '@storybook/react-vite';
// The built-in canvases' look, as the host app ships it (stories → host fixtures, UI-NOTES).
import '../../host/src/styles/canvases.css';

const preview: Preview = {
  // The host scopes the canvases' look to its session element: stories get the same wrapper, so a
  // canvas looks here as it does in the host app.
  decorators: [
    (Story) => (
      <div className="host-session">
        <Story />
      </div>
    ),
  ],
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: false },
  },
};

export default preview;
