import type { CanvasTypeManifest } from '@easel/schemas';

/**
 * The built-in `whiteboard` canvas type, identical to the gateway's
 * (`gateway/src/core/canvasTypes/builtinCanvasTypes.ts`, contract §5): roots `shapes` (map of shape id →
 * `{kind, x, y, w, h, fill?, stroke?, text?, layer?, z?}`) and `layers` (array of layer ids or `{id, visible}`).
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

/**
 * The thumbnail tool: the `render` tool of the built-in `whiteboard-thumbnail` plugin (contract §9).
 * The whiteboard's Thumbnail button runs it with `emit.tool(id, args)`; `args` names the plugin and tool
 * and carries the render `params`.
 */
export const WHITEBOARD_THUMBNAIL_TOOL = {
  id: 'thumbnail',
  label: 'Thumbnail',
  plugin: 'whiteboard-thumbnail',
  tool: 'render',
} as const;
