import type { Preview } from '@storybook/react-vite';
// The built-in canvases' look, as the host app ships it (stories → host fixtures, UI-NOTES).
import '../../host/src/styles/canvases.css';

const preview: Preview = {
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: false },
  },
};

export default preview;
