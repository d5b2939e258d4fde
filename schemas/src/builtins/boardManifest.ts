import type { CanvasTypeManifest } from '../canvas/canvasTypeManifestSchema.ts';

/**
 * The built-in `board` canvas type (contract §5): sticky notes and a layout. Roots `notes` (map of
 * note id → note) and `layout` (map; `columns` lists the columns). The gateway serves it to every
 * project; the board canvas and the harness recordings use the same object.
 */
export const BOARD_MANIFEST: CanvasTypeManifest = {
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
