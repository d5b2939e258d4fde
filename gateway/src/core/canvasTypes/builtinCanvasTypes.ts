import type { CanvasTypeManifest } from '@easel/schemas';

/** `board`: sticky notes and a layout (contract §5 built-in). */
export const BOARD_CANVAS_TYPE: CanvasTypeManifest = {
  type: 'board',
  version: '1.0.0',
  title: 'Board',
  description: 'Notes on a board, with a plan and a column layout.',
  roots: { notes: 'map', layout: 'map' },
  tokens: {
    'plan.title': { type: 'string', max_length: 200, default: '' },
    'plan.note': { type: 'string', max_length: 4000, default: '' },
    'plan.status': { type: 'enum', values: ['draft', 'active', 'done'], default: 'draft' },
    'plan.count': { type: 'number', min: 0, max: 1_000_000, default: 0 },
    'style.accent': { type: 'color', default: '#3b82f6' },
    'style.color': { type: 'color', default: '#000000' },
    'style.dense': { type: 'boolean', default: false },
    'board.columns': { type: 'json', default: ['todo', 'doing', 'done'] },
  },
  tools: [
    { id: 'add-note', label: 'Add note', command: 'state.ops' },
    { id: 'commit', label: 'Commit', command: 'canvas.commit' },
  ],
};

/** `whiteboard`: shapes in layers (contract §5 built-in). */
export const WHITEBOARD_CANVAS_TYPE: CanvasTypeManifest = {
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

/** Canvas types every project has. A project may register its own under the same name. */
export const BUILTIN_CANVAS_TYPES: readonly CanvasTypeManifest[] = [BOARD_CANVAS_TYPE, WHITEBOARD_CANVAS_TYPE];
