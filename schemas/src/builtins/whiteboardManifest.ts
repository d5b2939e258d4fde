import type { CanvasTypeManifest } from '../canvas/canvasTypeManifestSchema.ts';

/**
 * The built-in `whiteboard` canvas type (contract §5): freeform shapes in layers. Roots `shapes` (map
 * of shape id → `{kind, x, y, w, h, fill?, stroke?, text?, layer?, z?}`) and `layers` (array of layer
 * ids or `{id, visible}`). Its `thumbnail` tool runs the built-in `whiteboard-thumbnail` plugin's
 * `render` tool (contract §9). The gateway serves it to every project; the whiteboard canvas and the
 * harness recordings use the same object.
 */
export const WHITEBOARD_MANIFEST: CanvasTypeManifest = {
  type: 'whiteboard',
  version: '1.0.0',
  title: 'Whiteboard',
  description: 'Freeform shapes in layers.',
  roots: { shapes: 'map', layers: 'array' },
  tokens: {
    'style.stroke': { type: 'color', default: '#111827' },
    'style.fill': { type: 'color', default: '#ffffff' },
    'style.grid': { type: 'boolean', default: true },
    'view.zoom': { type: 'number', min: 0.1, max: 8, default: 1 },
    'plan.title': { type: 'string', max_length: 200, default: '' },
  },
  tools: [
    { id: 'add-shape', label: 'Add shape', command: 'state.ops' },
    { id: 'commit', label: 'Commit', command: 'canvas.commit' },
    {
      id: 'thumbnail',
      label: 'Thumbnail',
      command: 'state.ops',
      description: 'Renders a PNG thumbnail of the whiteboard (whiteboard-thumbnail plugin).',
      plugin: { name: 'whiteboard-thumbnail', tool: 'render' },
    },
  ],
};
