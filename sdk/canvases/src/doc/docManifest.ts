import type { CanvasTypeManifest } from '@easel/schemas';

/**
 * The `doc` canvas type: a block tree (`blocks`: array of `{id, kind, text?, children?}`) and a body of
 * collaborative text (`text`: Y.Text). Not a gateway built-in: the host registers it with
 * `PUT /v1/projects/{project_id}/canvas-types/doc` (contract §5).
 *
 * `text_fields` (1.1.0): a block's `text`, at any depth of `blocks`, is collaborative text, so the
 * gateway's `state.ops` stores it as a Y.Text from the block's creation (WIRE-NOTES "state.ops"):
 * two collaborators' concurrent first edits of a new block then merge instead of one replacing
 * the other.
 */
export const DOC_MANIFEST: CanvasTypeManifest = {
  type: 'doc',
  version: '1.1.0',
  title: 'Doc',
  description: 'A block tree with collaborative text.',
  roots: { blocks: 'array', text: 'text' },
  tokens: {
    'plan.title': { type: 'string', max_length: 200, default: '' },
    'doc.status': { type: 'enum', values: ['draft', 'review', 'final'], default: 'draft' },
    'style.font': { type: 'enum', values: ['sans', 'serif', 'mono'], default: 'sans' },
    'style.accent': { type: 'color', default: '#0ea5e9' },
  },
  tools: [],
  text_fields: { blocks: ['text'] },
};
